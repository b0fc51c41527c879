package dev.ratchet.core.platform;

import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.supervisor.EventSeries;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.RunContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervisor's series of every run, with the same names and labels on a cluster and on a
 * laptop, so one set of dashboards and alerts serves both: state and phase, best score, rollbacks
 * left, and counters of what was decided.
 */
public final class SupervisorMetrics {

  private record Series(String name, Map<String, String> labels) {}

  private final MetricsSink sink;
  // per run: the info labels published last (a state change replaces the series) and every series
  // published, so a deleted run's are all removed
  private final Map<String, Map<String, String>> infoLabels = new ConcurrentHashMap<>();
  private final Map<String, Set<Series>> published = new ConcurrentHashMap<>();

  public SupervisorMetrics(MetricsSink sink) {
    this.sink = sink;
  }

  /** Publishes the state, phase, best score and rollbacks left after a decision. */
  public void status(RunContext run, TrainingRunStatus status) {
    if (status == null) {
      return;
    }
    String key = key(run);
    if (!infoLabels.containsKey(key)) {
      // A counter that first appears at 1 shows no increase() in Prometheus, so the first
      // rollback would raise no alert: every counter starts at zero.
      for (EventSeries series : EventSeries.all()) {
        count(run, series, 0);
      }
    }
    Map<String, String> info = runLabels(run);
    info.put(
        MetricNames.LABEL_STATE, (status.state == null ? RunState.PENDING : status.state).label());
    info.put(MetricNames.LABEL_PHASE, status.phase == null ? "" : status.phase);
    Map<String, String> before = infoLabels.put(key, info);
    if (!info.equals(before)) {
      if (before != null) {
        sink.remove(MetricNames.TRAININGRUN_INFO, before);
        published(key).remove(new Series(MetricNames.TRAININGRUN_INFO, before));
      }
      gauge(key, MetricNames.TRAININGRUN_INFO, info, 1);
    }
    int used = status.rollbacks == null ? 0 : status.rollbacks;
    gauge(
        key,
        MetricNames.ROLLBACKS_REMAINING,
        runLabels(run),
        Math.max(0, run.spec().divergence.maxRollbacks - used));
    if (status.bestCheckpoint != null && status.bestCheckpoint.scoreMean != null) {
      gauge(key, MetricNames.BEST_SCORE_MEAN, runLabels(run), status.bestCheckpoint.scoreMean);
    }
  }

  /** Counts an event the supervisor emitted, in the counter it belongs to (if any). */
  public void event(RunContext run, EventType type) {
    EventSeries.of(type).ifPresent(series -> count(run, series, 1));
  }

  /** Removes every series of a deleted run. */
  public void forget(String namespace, String name) {
    String key = namespace + "/" + name;
    infoLabels.remove(key);
    Set<Series> series = published.remove(key);
    if (series != null) {
      series.forEach(s -> sink.remove(s.name(), s.labels()));
    }
  }

  private void count(RunContext run, EventSeries series, double amount) {
    Map<String, String> labels = runLabels(run);
    if (series.reason() != null) {
      labels.put(MetricNames.LABEL_REASON, series.reason());
    }
    sink.count(series.metric(), labels, amount);
    published(key(run)).add(new Series(series.metric(), labels));
  }

  private void gauge(String key, String name, Map<String, String> labels, double value) {
    sink.gauge(name, labels, value);
    published(key).add(new Series(name, labels));
  }

  private Set<Series> published(String key) {
    return published.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
  }

  private static Map<String, String> runLabels(RunContext run) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MetricNames.LABEL_NAMESPACE, run.namespace());
    labels.put(MetricNames.LABEL_RUN, run.name());
    return labels;
  }

  private static String key(RunContext run) {
    return run.namespace() + "/" + run.name();
  }
}

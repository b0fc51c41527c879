package dev.ratchet.cli.local;

import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.supervisor.EventSeries;
import dev.ratchet.core.supervisor.EventType;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The supervisor's series of a local run, with the operator's names and labels, so the same
 * dashboards and alerts work on a laptop.
 */
final class SupervisorMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String namespace;
  private final String run;
  private final Map<String, Counter> counters = new HashMap<>();
  private final Info info;
  private final Gauge bestScore;
  private final Gauge rollbacksRemaining;
  private String[] infoLabels;

  SupervisorMetrics(String namespace, String run) {
    this.namespace = namespace;
    this.run = run;
    for (EventSeries series : EventSeries.all()) {
      counter(series); // registered at zero, see EventSeries.all()
    }
    info =
        Info.builder()
            .name(MetricNames.TRAININGRUN_INFO)
            .help("Always 1; the run's state and phase as labels.")
            .labelNames(
                MetricNames.LABEL_NAMESPACE,
                MetricNames.LABEL_RUN,
                MetricNames.LABEL_STATE,
                MetricNames.LABEL_PHASE)
            .register(registry);
    bestScore =
        runGauge(MetricNames.BEST_SCORE_MEAN, "Windowed score mean of the best checkpoint.");
    rollbacksRemaining =
        runGauge(MetricNames.ROLLBACKS_REMAINING, "Automatic rollbacks left before the run fails.");
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /** Counts an event the supervisor emitted. */
  void event(EventType type) {
    EventSeries.of(type).ifPresent(series -> counter(series).inc());
  }

  /** Publishes the state, phase, best score and rollbacks left after a decision. */
  synchronized void status(TrainingRunSpec spec, TrainingRunStatus status) {
    if (status == null || status.state == null) {
      return;
    }
    String[] labels = {
      namespace, run, status.state.label(), status.phase == null ? "" : status.phase
    };
    if (!Arrays.equals(infoLabels, labels)) {
      if (infoLabels != null) {
        info.remove(infoLabels);
      }
      info.addLabelValues(labels);
      infoLabels = labels;
    }
    int used = status.rollbacks == null ? 0 : status.rollbacks;
    rollbacksRemaining
        .labelValues(namespace, run)
        .set(Math.max(0, spec.divergence.maxRollbacks - used));
    if (status.bestCheckpoint != null && status.bestCheckpoint.scoreMean != null) {
      bestScore.labelValues(namespace, run).set(status.bestCheckpoint.scoreMean);
    }
  }

  private CounterDataPoint counter(EventSeries series) {
    Counter counter =
        counters.computeIfAbsent(
            series.metric(),
            name -> {
              Counter.Builder builder =
                  Counter.builder().name(name).help("Supervisor events: " + name + ".");
              return series.reason() == null
                  ? builder
                      .labelNames(MetricNames.LABEL_NAMESPACE, MetricNames.LABEL_RUN)
                      .register(registry)
                  : builder
                      .labelNames(
                          MetricNames.LABEL_NAMESPACE,
                          MetricNames.LABEL_RUN,
                          MetricNames.LABEL_REASON)
                      .register(registry);
            });
    return series.reason() == null
        ? counter.labelValues(namespace, run)
        : counter.labelValues(namespace, run, series.reason());
  }

  private Gauge runGauge(String name, String help) {
    return Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(MetricNames.LABEL_NAMESPACE, MetricNames.LABEL_RUN)
        .register(registry);
  }
}

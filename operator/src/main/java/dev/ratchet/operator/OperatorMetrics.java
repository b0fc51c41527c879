package dev.ratchet.operator;

import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.supervisor.EventSeries;
import dev.ratchet.core.supervisor.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The operator's Prometheus series per run, served on /q/metrics with the JOSDK ones. */
public final class OperatorMetrics {

  private final MeterRegistry registry;
  private final Map<String, Gauge> infoGauges = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<Double>> bestScores = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<Double>> rollbacksRemaining = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Publishes the run's state, phase and best score after a decision. */
  public void recordStatus(TrainingRun run) {
    TrainingRunStatus status = run.getStatus();
    if (status == null) {
      return;
    }
    String key = key(run);
    if (!infoGauges.containsKey(key)) {
      EventSeries.all().forEach(series -> counter(run, series));
    }
    Tags tags =
        runTags(run)
            .and("state", status.state == null ? RunState.PENDING.label() : status.state.label())
            .and("phase", status.phase == null ? "" : status.phase);
    Gauge current = infoGauges.get(key);
    if (current == null || !current.getId().getTags().equals(tags.stream().toList())) {
      if (current != null) {
        registry.remove(current);
      }
      infoGauges.put(
          key,
          Gauge.builder(MetricNames.TRAININGRUN_INFO, () -> 1.0).tags(tags).register(registry));
    }
    int used = status.rollbacks == null ? 0 : status.rollbacks;
    gauge(rollbacksRemaining, MetricNames.ROLLBACKS_REMAINING, run)
        .set((double) Math.max(0, run.getSpec().divergence.maxRollbacks - used));
    if (status.bestCheckpoint != null && status.bestCheckpoint.scoreMean != null) {
      bestScores
          .computeIfAbsent(
              key,
              k -> {
                AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                Gauge.builder(MetricNames.BEST_SCORE_MEAN, value, AtomicReference::get)
                    .tags(runTags(run))
                    .register(registry);
                return value;
              })
          .set(status.bestCheckpoint.scoreMean);
    }
  }

  private AtomicReference<Double> gauge(
      Map<String, AtomicReference<Double>> values, String name, TrainingRun run) {
    return values.computeIfAbsent(
        key(run),
        k -> {
          AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
          Gauge.builder(name, value, AtomicReference::get).tags(runTags(run)).register(registry);
          return value;
        });
  }

  /** Counts what a decision did, from the events it emitted. */
  public void recordEvent(TrainingRun run, EventType type) {
    EventSeries.of(type).ifPresent(series -> counter(run, series).increment());
  }

  private Counter counter(TrainingRun run, EventSeries series) {
    Tags tags =
        series.reason() == null ? runTags(run) : runTags(run).and("reason", series.reason());
    return registry.counter(series.metric(), tags);
  }

  /** Drops the series of a deleted run. */
  public void forget(TrainingRun run) {
    String key = key(run);
    infoGauges.remove(key);
    bestScores.remove(key);
    rollbacksRemaining.remove(key);
    String namespace = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("ratchet_"))
        .filter(m -> namespace.equals(m.getId().getTag("namespace")))
        .filter(m -> name.equals(m.getId().getTag("run")))
        .toList()
        .forEach(registry::remove);
  }

  private static Tags runTags(TrainingRun run) {
    return Tags.of(
        "namespace", run.getMetadata().getNamespace(), "run", run.getMetadata().getName());
  }

  private static String key(TrainingRun run) {
    return run.getMetadata().getNamespace() + "/" + run.getMetadata().getName();
  }
}

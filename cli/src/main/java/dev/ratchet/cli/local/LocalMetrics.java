package dev.ratchet.cli.local;

import dev.ratchet.core.platform.MetricsSink;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervisor's series of a local run in a Prometheus client registry, served with the trainer's
 * on the local metrics port under the operator's names and labels.
 */
final class LocalMetrics implements MetricsSink {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final Map<String, Info> infos = new ConcurrentHashMap<>();

  PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void count(String name, Map<String, String> labels, double amount) {
    counters
        .computeIfAbsent(
            name,
            n ->
                Counter.builder()
                    .name(n)
                    .help("Supervisor events: " + n + ".")
                    .labelNames(names(labels))
                    .register(registry))
        .labelValues(values(labels))
        .inc(amount);
  }

  @Override
  public void gauge(String name, Map<String, String> labels, double value) {
    if (name.endsWith("_info")) {
      // the Prometheus client reserves the suffix for info series
      infos
          .computeIfAbsent(
              name,
              n ->
                  Info.builder()
                      .name(n)
                      .help("Always 1; the run's state and phase as labels.")
                      .labelNames(names(labels))
                      .register(registry))
          .addLabelValues(values(labels));
      return;
    }
    gauges
        .computeIfAbsent(
            name,
            n ->
                Gauge.builder()
                    .name(n)
                    .help("Supervisor gauge " + n + ".")
                    .labelNames(names(labels))
                    .register(registry))
        .labelValues(values(labels))
        .set(value);
  }

  @Override
  public void remove(String name, Map<String, String> labels) {
    String[] values = values(labels);
    if (counters.containsKey(name)) {
      counters.get(name).remove(values);
    }
    if (gauges.containsKey(name)) {
      gauges.get(name).remove(values);
    }
    if (infos.containsKey(name)) {
      infos.get(name).remove(values);
    }
  }

  private static String[] names(Map<String, String> labels) {
    return labels.keySet().toArray(String[]::new);
  }

  private static String[] values(Map<String, String> labels) {
    return labels.values().toArray(String[]::new);
  }
}

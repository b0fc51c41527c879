package dev.ratchet.operator;

import dev.ratchet.core.platform.MetricsSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The supervisor's series in the operator's Micrometer registry, served on /q/metrics. */
final class MicrometerSink implements MetricsSink {

  private record Key(String name, Map<String, String> labels) {}

  private final MeterRegistry registry;
  // Micrometer gauges read a value holder, held here so it is never collected
  private final Map<Key, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  MicrometerSink(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void count(String name, Map<String, String> labels, double amount) {
    registry.counter(name, tags(labels)).increment(amount);
  }

  @Override
  public void gauge(String name, Map<String, String> labels, double value) {
    gauges
        .computeIfAbsent(
            new Key(name, Map.copyOf(labels)),
            key -> {
              AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
              Gauge.builder(name, holder, AtomicReference::get)
                  .tags(tags(labels))
                  .register(registry);
              return holder;
            })
        .set(value);
  }

  @Override
  public void remove(String name, Map<String, String> labels) {
    gauges.remove(new Key(name, Map.copyOf(labels)));
    registry.find(name).tags(tags(labels)).meters().stream()
        .filter(m -> m.getId().getTags().size() == labels.size())
        .forEach(registry::remove);
  }

  private static Tags tags(Map<String, String> labels) {
    Tags tags = Tags.empty();
    for (Map.Entry<String, String> label : labels.entrySet()) {
      tags = tags.and(label.getKey(), label.getValue());
    }
    return tags;
  }
}

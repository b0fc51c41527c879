package dev.ratchet.operator;

import dev.ratchet.core.platform.SupervisorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.arc.DefaultBean;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the plain classes of the operator as CDI beans; tests replace the default ones. */
@ApplicationScoped
public class OperatorBeans {

  @Produces
  @DefaultBean
  @ApplicationScoped
  ProgressClient progressClient(OperatorConfig settings) {
    return new HttpProgressClient(settings.trainerPort());
  }

  @Produces
  @DefaultBean
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * JOSDK counts timer-triggered events without the {@code action} tag that informer events carry
   * (java-operator-sdk issue 3038); Prometheus refuses one name with two tag sets, so the missing
   * tag is filled in.
   */
  @Produces
  @Singleton
  MeterFilter josdkEventTags() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().equals("events.received") && id.getTag("action") == null) {
          return id.withTag(Tag.of("action", "none"));
        }
        return id;
      }
    };
  }

  /**
   * JOSDK's Micrometer metrics, made when the operator is built. QOSDK's own are bound only once
   * the Prometheus registry exists, which in the packaged operator is after the controllers took
   * their metrics, so the reconcile series stayed a no-op there (the e2e Prometheus check found
   * it).
   */
  @Produces
  @Alternative
  @Priority(1)
  @Singleton
  Metrics josdkMetrics(MeterRegistry registry) {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }

  @Produces
  @ApplicationScoped
  SupervisorMetrics metrics(MeterRegistry registry) {
    return new SupervisorMetrics(new MicrometerSink(registry));
  }

  @Produces
  @ApplicationScoped
  RunStorage runStorage(KubernetesClient client, OperatorConfig settings, Clock clock) {
    return new RunStorage(client, settings, clock);
  }
}

package dev.ratchet.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
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

  @Produces
  @ApplicationScoped
  OperatorMetrics metrics(MeterRegistry registry) {
    return new OperatorMetrics(registry);
  }

  @Produces
  @ApplicationScoped
  RunStorage runStorage(KubernetesClient client, OperatorConfig settings) {
    return new RunStorage(client, settings);
  }
}

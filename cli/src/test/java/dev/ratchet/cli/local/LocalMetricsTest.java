package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.platform.SupervisorMetrics;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.RunContext;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The supervisor's series as a local run serves them, through the Prometheus client. */
class LocalMetricsTest {

  private final LocalMetrics registry = new LocalMetrics();
  private final SupervisorMetrics metrics = new SupervisorMetrics(registry);
  private final TrainingRunSpec spec = new TrainingRunSpec();
  private final RunContext run = new RunContext("local", "demo", 1L, spec);

  @Test
  void countersExistAtZeroBeforeTheFirstEvent() throws IOException {
    // Prometheus sees no increase() for a counter whose first sample is already 1.
    metrics.status(run, pending());
    assertThat(scrape())
        .contains(
            "ratchet_rollbacks_total{namespace=\"local\",reason=\"divergence\",run=\"demo\"} 0")
        .contains("ratchet_rollbacks_total{namespace=\"local\",reason=\"manual\",run=\"demo\"} 0")
        .contains("ratchet_phase_transitions_total{namespace=\"local\",run=\"demo\"} 0")
        .contains("ratchet_restarts_total{namespace=\"local\",run=\"demo\"} 0");
  }

  @Test
  void eventsCountInTheOperatorsSeries() throws IOException {
    metrics.status(run, pending());
    metrics.event(run, EventType.ROLLED_BACK);
    metrics.event(run, EventType.ROLLED_BACK);
    metrics.event(run, EventType.MANUAL_ROLLBACK);
    metrics.event(run, EventType.PHASE_TRANSITION);
    metrics.event(run, EventType.CHECKPOINT_COMMITTED); // not counted

    assertThat(scrape())
        .contains(
            "ratchet_rollbacks_total{namespace=\"local\",reason=\"divergence\",run=\"demo\"} 2")
        .contains("ratchet_rollbacks_total{namespace=\"local\",reason=\"manual\",run=\"demo\"} 1")
        .contains("ratchet_phase_transitions_total{namespace=\"local\",run=\"demo\"} 1");
  }

  @Test
  void stateAndPhaseShowOnlyTheCurrentValues() throws IOException {
    spec.divergence.maxRollbacks = 3;
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.RUNNING;
    status.phase = "warmup";
    metrics.status(run, status);
    status.state = RunState.ROLLING_BACK;
    status.rollbacks = 1;
    metrics.status(run, status);

    String text = scrape();
    assertThat(text)
        .contains(
            "ratchet_trainingrun_info{namespace=\"local\",phase=\"warmup\",run=\"demo\",state=\"RollingBack\"} 1")
        .doesNotContain("state=\"Running\"")
        .contains("ratchet_rollbacks_remaining{namespace=\"local\",run=\"demo\"} 2");
  }

  @Test
  void aForgottenRunLeavesNoSeries() throws IOException {
    metrics.status(run, pending());
    metrics.event(run, EventType.RESTARTED);
    metrics.forget("local", "demo");

    assertThat(scrape()).doesNotContain("run=\"demo\"");
  }

  private static TrainingRunStatus pending() {
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.PENDING;
    return status;
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theLocalMetricsEndpointListensOnLoopbackOnly() throws Exception {
    try (LocalMetricsServer server = new LocalMetricsServer(0, registry, () -> -1)) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }
  }
}

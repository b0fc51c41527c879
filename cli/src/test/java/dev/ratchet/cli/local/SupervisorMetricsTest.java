package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.supervisor.EventType;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SupervisorMetricsTest {

  private final SupervisorMetrics metrics = new SupervisorMetrics("local", "demo");

  @Test
  void countersExistAtZeroBeforeTheFirstEvent() throws IOException {
    // Prometheus sees no increase() for a counter whose first sample is already 1.
    assertThat(scrape())
        .contains(
            "ratchet_rollbacks_total{namespace=\"local\",reason=\"divergence\",run=\"demo\"} 0")
        .contains("ratchet_rollbacks_total{namespace=\"local\",reason=\"manual\",run=\"demo\"} 0")
        .contains("ratchet_phase_transitions_total{namespace=\"local\",run=\"demo\"} 0")
        .contains("ratchet_restarts_total{namespace=\"local\",run=\"demo\"} 0");
  }

  @Test
  void eventsCountInTheOperatorsSeries() throws IOException {
    metrics.event(EventType.ROLLED_BACK);
    metrics.event(EventType.ROLLED_BACK);
    metrics.event(EventType.MANUAL_ROLLBACK);
    metrics.event(EventType.PHASE_TRANSITION);
    metrics.event(EventType.CHECKPOINT_COMMITTED); // not counted

    assertThat(scrape())
        .contains(
            "ratchet_rollbacks_total{namespace=\"local\",reason=\"divergence\",run=\"demo\"} 2")
        .contains("ratchet_rollbacks_total{namespace=\"local\",reason=\"manual\",run=\"demo\"} 1")
        .contains("ratchet_phase_transitions_total{namespace=\"local\",run=\"demo\"} 1");
  }

  @Test
  void stateAndPhaseShowOnlyTheCurrentValues() throws IOException {
    TrainingRunSpec spec = new TrainingRunSpec();
    spec.divergence.maxRollbacks = 3;
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.RUNNING;
    status.phase = "warmup";
    metrics.status(spec, status);
    status.state = RunState.ROLLING_BACK;
    status.rollbacks = 1;
    metrics.status(spec, status);

    String text = scrape();
    assertThat(text)
        .contains(
            "ratchet_trainingrun_info{namespace=\"local\",phase=\"warmup\",run=\"demo\",state=\"RollingBack\"} 1")
        .doesNotContain("state=\"Running\"")
        .contains("ratchet_rollbacks_remaining{namespace=\"local\",run=\"demo\"} 2");
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theLocalMetricsEndpointListensOnLoopbackOnly() throws Exception {
    try (LocalMetricsServer server = new LocalMetricsServer(0, metrics, () -> -1)) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }
  }
}

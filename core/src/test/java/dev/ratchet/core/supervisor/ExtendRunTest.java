package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.AttemptReason;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.PpoOverrides;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.UntilSpec;
import dev.ratchet.core.supervisor.FakePlatform.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run that ended {@code Succeeded} and is given one more phase trains on into it from the
 * checkpoint it ended with; the same spec applied again changes nothing.
 */
class ExtendRunTest {

  private final TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");

  @Test
  void aPhaseAppendedToARunThatEndedByCountTrainsFromItsPhaseEndCheckpoint() {
    spec.phases.get(0).until.anyOf.clear();
    spec.phases.get(0).until.episode = 500L;
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(Math.min(450, e), 1.0));
    p.runUntilFinal(50, 100);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    int attempts = p.started.size();

    // the same spec again: nothing happens
    p.tick(0);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.started).hasSize(attempts);

    spec.phases.add(phase("polish", 800L, 3e-4));
    p.tick(0);

    assertThat(p.status.state).isIn(RunState.TRANSITIONING, RunState.RUNNING);
    List<HistoryEntry> extensions = p.history(HistoryType.EXTENSION);
    assertThat(extensions)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.from).isEqualTo("train");
              assertThat(h.to).isEqualTo("polish");
              assertThat(h.episode).isEqualTo(500);
              assertThat(h.reason).contains("extended from ep-000000500-a0001");
            });
    assertThat(p.events(EventType.EXTENDED)).hasSize(1);
    assertThat(p.status.completionTime).isNull();
    assertThat(p.status.watch.endEpisode).isNull();

    p.runUntilFinal(50, 100);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.phase).isEqualTo("polish");
    assertThat(p.status.episode).isEqualTo(800);
    TrainerConfig extended = p.started.get(attempts + 1);
    assertThat(extended.phase()).isEqualTo("polish");
    assertThat(FakePlatform.idOf(extended.resumeFrom())).isEqualTo("ep-000000500-a0001");
    assertThat(extended.ppo().learningRate).isEqualTo(3e-4);
    assertThat(p.status.currentAttempt.reason).isEqualTo(AttemptReason.EXTENSION);
    assertThat(p.status.message).startsWith("All phases finished at episode 800");
  }

  @Test
  void aRunThatEndedOnItsGateIsExtendedFromTheFirstCheckpointAtOrAfterTheGate() {
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(Math.min(500, e), 1.0));
    p.runUntilFinal(50, 100);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    long end = p.status.watch.endEpisode;
    assertThat(end).isLessThan(1000); // the gate, above 475 for 20 episodes

    spec.phases.add(phase("polish", 1500L, 1e-4));
    p.runUntilFinal(50, 100);

    HistoryEntry extension = p.history(HistoryType.EXTENSION).get(0);
    assertThat(extension.episode).isEqualTo(end);
    String from = FakePlatform.idOf(p.started.get(p.started.size()).resumeFrom());
    assertThat(extension.reason).endsWith("extended from " + from);
    assertThat(dev.ratchet.api.trainer.StorageLayout.episodeOf(from)).isGreaterThanOrEqualTo(end);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.episode).isEqualTo(1500);
  }

  @Test
  void anEarlyStoppedOrFailedRunIsNotExtended() {
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(Math.min(500, e), 1.0));
    p.runUntilFinal(50, 100);
    p.status.state = RunState.EARLY_STOPPED;
    int attempts = p.started.size();
    spec.phases.add(phase("polish", 1500L, 1e-4));

    p.tick(0);

    assertThat(p.status.state).isEqualTo(RunState.EARLY_STOPPED);
    assertThat(p.started).hasSize(attempts);
    assertThat(p.history(HistoryType.EXTENSION)).isEmpty();
  }

  private static PhaseSpec phase(String name, long until, double learningRate) {
    PhaseSpec phase = new PhaseSpec();
    phase.name = name;
    phase.until = new UntilSpec();
    phase.until.episode = until;
    phase.overrides = new PpoOverrides();
    phase.overrides.learningRate = learningRate;
    return phase;
  }
}

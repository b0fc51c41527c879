package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.core.supervisor.FakePlatform.Sample;
import org.junit.jupiter.api.Test;

/**
 * A warm start hands the source checkpoint to attempts that resume from nothing of the run's own,
 * and a source the trainer refuses fails the run at once, naming spec.initFrom.
 */
class WarmStartTest {

  private static final String SOURCE =
      "s3://ratchet-checkpoints/quickstart/ml/source/checkpoints/ep-000000725-a0002/";

  private final TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");

  WarmStartTest() {
    spec.initFrom = new InitFromSpec();
    spec.initFrom.uri = SOURCE;
  }

  @Test
  void theFirstAttemptStartsFromTheSourceAndLaterOnesFromTheRunsOwnCheckpoints() {
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(Math.min(300, e), 1.0));
    p.tick(0); // started
    p.tick(0); // running
    p.tick(250);
    p.crash(1, "killed");
    p.settle();

    TrainerConfig first = p.started.get(1);
    assertThat(first.resumeFrom()).isNull();
    assertThat(first.initFrom()).isEqualTo(SOURCE);
    TrainerConfig second = p.started.get(2);
    assertThat(second.resumeFrom()).isNotNull();
    assertThat(second.initFrom()).as("its own checkpoint holds the warm parameters").isNull();
    assertThat(p.status.initializedFrom).isEqualTo(SOURCE);
  }

  @Test
  void anAttemptThatCrashedBeforeItsFirstCheckpointStartsFromTheSourceAgain() {
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(10, 1.0));
    p.tick(0);
    p.tick(0);
    p.tick(20); // no checkpoint yet (every 100 episodes)
    p.crash(1, "killed");
    p.settle();

    assertThat(p.started.get(2).resumeFrom()).isNull();
    assertThat(p.started.get(2).initFrom()).isEqualTo(SOURCE);
  }

  @Test
  void aSourceTheTrainerRefusesFailsTheRunAtOnceNamingSpecInitFrom() {
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(10, 1.0));
    p.tick(0);
    p.tick(0);
    p.crash(
        TrainerExitCodes.REFUSED_CHECKPOINT,
        "refused checkpoint: spec.initFrom: checkpoint "
            + SOURCE
            + " refused: its network does not fit this run's spec.model and environment");
    p.decideAndApply();

    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message)
        .contains("refused the warm start's checkpoint (exit code 4)")
        .contains("does not fit this run's spec.model")
        .contains("Point spec.initFrom at a committed checkpoint");
    assertThat(p.started).hasSize(1);
  }
}

package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.supervisor.FakePlatform.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A warm start named by run ({@code spec.initFrom: {run, checkpoint}}) is resolved by the brain
 * from the source run the platform found: the checkpoint named, pinned in status before the first
 * attempt; a source that may still come is waited for; one that cannot serve is refused, naming the
 * field to fix.
 */
class WarmStartFromRunTest {

  private static final String ROOT = "s3://ratchet-checkpoints/quickstart/ml/source/checkpoints/";

  /** The quickstart as a source: 400 episodes, its score rising to 300, checkpoints every 100. */
  private final FakePlatform source = finishedSource();

  private final TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");

  private static FakePlatform finishedSource() {
    TrainingRunSpec s = FakePlatform.example("cartpole-quickstart.yaml");
    s.phases.get(0).until.episode = 400L;
    s.phases.get(0).until.anyOf = List.of();
    FakePlatform p = new FakePlatform(s, (e, c) -> Sample.of(Math.min(300, e), 1.0));
    p.run = new RunContext("ml", "source", 1L, s);
    p.runUntilFinal(50, 100);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    return p;
  }

  private SourceRun sourceAsFound() {
    return new SourceRun(
        "source", source.spec, source.status, new ArrayList<>(source.storage.keySet()), null);
  }

  private FakePlatform warmStartedFrom(String checkpoint) {
    spec.initFrom = new InitFromSpec();
    spec.initFrom.run = "source";
    spec.initFrom.checkpoint = checkpoint;
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(Math.min(300, 200 + e), 1.0));
    p.source = sourceAsFound();
    return p;
  }

  @Test
  void theFirstAttemptStartsFromTheSourcesBestCheckpointWhichStatusPins() {
    FakePlatform p = warmStartedFrom(null);
    p.tick(0);

    String best = ROOT + source.status.bestCheckpoint.id + "/";
    assertThat(p.started.get(1).initFrom()).isEqualTo(best);
    assertThat(p.started.get(1).resumeFrom()).isNull();
    assertThat(p.status.initializedFrom).isEqualTo(best);
    assertThat(p.status.message).contains("from the parameters of " + best);

    // the source trains on and its best changes: the run keeps the checkpoint it started from
    p.source = null;
    p.tick(0);
    p.tick(20);
    p.crash(1, "killed before its first checkpoint");
    p.settle();
    assertThat(p.started.get(2).initFrom()).isEqualTo(best);
  }

  @Test
  void latestAndACheckpointIdNameThoseCheckpointsOfTheSource() {
    FakePlatform latest = warmStartedFrom("latest");
    latest.tick(0);
    assertThat(latest.started.get(1).initFrom())
        .isEqualTo(ROOT + source.status.latestCheckpoint.id + "/");

    String first = source.storage.firstKey();
    FakePlatform named = warmStartedFrom(first);
    named.tick(0);
    assertThat(named.started.get(1).initFrom()).isEqualTo(ROOT + first + "/");
  }

  @Test
  void aSourceThatDoesNotExistYetIsWaitedForThenStartedFrom() {
    FakePlatform p = warmStartedFrom(null);
    p.source = SourceRun.missing("source");
    p.tick(0);
    p.tick(0);

    assertThat(p.started).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.PENDING);
    assertThat(p.status.message)
        .isEqualTo(
            "Waiting for the warm start's source: no TrainingRun source in namespace ml"
                + " (spec.initFrom.run); the run starts once it exists, or fix the name.");

    p.source = sourceAsFound();
    p.tick(0);
    assertThat(p.started.get(1).initFrom()).isEqualTo(ROOT + source.status.bestCheckpoint.id + "/");
  }

  @Test
  void aRunningSourceWithoutABestCheckpointYetIsWaitedFor() {
    FakePlatform p = warmStartedFrom(null);
    TrainingRunStatus young = new TrainingRunStatus();
    young.state = RunState.RUNNING;
    p.source = new SourceRun("source", source.spec, young, List.of(), null);
    p.tick(0);

    assertThat(p.started).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.PENDING);
    assertThat(p.status.message)
        .contains("run source (spec.initFrom.run) has no best checkpoint yet");
  }

  @Test
  void aCheckpointTheEndedSourceNeverCommittedIsRefusedListingItsCheckpoints() {
    FakePlatform p = warmStartedFrom("ep-000009999-a0001");
    p.tick(0);

    assertThat(p.started).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message)
        .startsWith("The spec is invalid: spec.initFrom.checkpoint: run source")
        .contains("ended (Succeeded) with no committed checkpoint ep-000009999-a0001")
        .contains(source.status.latestCheckpoint.id);

    // fixed: the run starts over from the source's best
    spec.initFrom.checkpoint = "best";
    p.tick(0);
    assertThat(p.started.get(1).initFrom()).isEqualTo(ROOT + source.status.bestCheckpoint.id + "/");
  }

  @Test
  void aSourceWithAnotherNetworkIsRefusedBeforeAnyTrainerStartsNamingTheField() {
    spec.model.hiddenSizes = new ArrayList<>(List.of(32, 32));
    FakePlatform p = warmStartedFrom(null);
    p.tick(0);

    assertThat(p.started).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message)
        .isEqualTo(
            "The spec is invalid: spec.model.hiddenSizes: is [32, 32] but run source's"
                + " (spec.initFrom.run) is [64, 64]; a warm start needs the source's network"
                + " shape.");
  }

  @Test
  void aRunCannotStartFromItself() {
    spec.initFrom = new InitFromSpec();
    spec.initFrom.run = "run";
    FakePlatform p = new FakePlatform(spec, (e, c) -> Sample.of(1, 1.0));
    p.tick(0);

    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message).contains("spec.initFrom.run: names this run itself");
  }
}

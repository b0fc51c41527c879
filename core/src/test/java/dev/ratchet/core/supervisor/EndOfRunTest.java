package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.core.supervisor.FakePlatform.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One truth when a run ends: the best checkpoint named by the end event stays the one status and
 * the message name, and every checkpoint committed between two reads is announced.
 */
class EndOfRunTest {

  private final TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");

  /** CartPole learning steadily: the windowed score reaches 500 at episode 500. */
  private final FakePlatform platform =
      new FakePlatform(spec, (episode, config) -> Sample.of(Math.min(500, episode), 1.0));

  @Test
  void checkpointsCommittedAfterTheEndAreKeptButNotRankedSoTheBestNamedAtTheEndStays() {
    platform.runUntil(s -> s.state == RunState.SUCCEEDED);
    var status = platform.status;
    long end = status.watch.endEpisode;
    String best = status.bestCheckpoint.id;
    String message = status.message;
    assertThat(message).contains("The best checkpoint is " + best + " ");
    assertThat(platform.events(EventType.SUCCEEDED))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo(message));

    // the trainer, still stopping, commits a better checkpoint past the end episode
    CheckpointManifest afterTheEnd = manifest(end + 30, 9999.0, platform.trainerAttempt);
    platform.storage.put(afterTheEnd.id(), afterTheEnd);
    platform.decideAndApply();

    assertThat(platform.status.bestCheckpoint.id).isEqualTo(best);
    assertThat(platform.status.message).isEqualTo(message);
    assertThat(platform.status.latestCheckpoint.id).isEqualTo(afterTheEnd.id());
  }

  @Test
  void aCheckpointFromBeforeTheEndListedLateBecomesTheBestAndTheMessageNamesIt() {
    platform.runUntil(s -> s.state == RunState.SUCCEEDED);
    long end = platform.status.watch.endEpisode;
    CheckpointManifest late = manifest(end - 1, 9999.0, platform.trainerAttempt);
    platform.storage.put(late.id(), late);
    platform.decideAndApply();

    assertThat(platform.status.bestCheckpoint.id).isEqualTo(late.id());
    assertThat(platform.status.message)
        .startsWith(platform.status.watch.endReason)
        .contains("The best checkpoint is " + late.id() + " (scoreMean 9999)");
  }

  @Test
  void everyCheckpointCommittedBetweenTwoReadsIsAnnouncedInTheOrderItWasWritten() {
    spec.checkpoints.everyEpisodes = 10;
    platform.tick(0);
    platform.tick(0);
    platform.tick(45); // checkpoints at 10, 20, 30 and 40 in one read
    List<String> announced =
        platform.events(EventType.CHECKPOINT_COMMITTED).stream()
            .map(Action.EmitEvent::message)
            .toList();
    assertThat(announced)
        .extracting(m -> m.replaceAll("Checkpoint (ep-\\S+) .*", "$1"))
        .containsSubsequence(
            "ep-000000010-a0001", "ep-000000020-a0001", "ep-000000030-a0001", "ep-000000040-a0001");
  }

  @Test
  void aLocalPlatformsSuspensionSpeaksOfCtrlCNotOfTheSpec() {
    SuspendWording local =
        new SuspendWording("Ctrl-C", "the command was run again", "run the same command again");
    FakePlatform onLaptop =
        new FakePlatform(
            spec,
            (episode, config) -> Sample.of(episode, 1.0),
            new Supervisor(new PlatformDefaults(null, false, 9500, 60, local)));
    onLaptop.tick(0);
    onLaptop.tick(30);
    spec.suspend = true;
    onLaptop.tick(10);

    assertThat(onLaptop.status.state).isEqualTo(RunState.SUSPENDED);
    assertThat(onLaptop.status.message)
        .isEqualTo("Suspended (Ctrl-C); run the same command again.")
        .doesNotContain("spec.suspend");
    assertThat(onLaptop.status.estimatedCompletionTime).isNull();
  }

  private static CheckpointManifest manifest(long episode, double score, int attempt) {
    String id = String.format("ep-%09d-a%04d", episode, attempt);
    return new CheckpointManifest(
        CheckpointManifest.FORMAT_VERSION,
        id,
        "ml",
        "run",
        attempt,
        "train",
        0,
        episode,
        episode * 100,
        CheckpointKind.PERIODIC,
        "2026-01-01T00:00:00Z",
        Map.of("scoreMean", score, "rewardMean", 1.0),
        false,
        List.of(),
        null,
        null);
  }
}

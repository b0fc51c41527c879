package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.ProgressReport;
import java.util.List;

/**
 * What the platform saw just before a decision.
 *
 * <p>The platform keeps reporting an ended attempt (exit code and all) until the next attempt is
 * started; a trainer that was seen and is then not reported at all counts as gone.
 *
 * <p>Episode records let the brain judge every episode, not only the moments it reads: the platform
 * passes the records of the observed trainer's attempt after {@link Supervisor#judgedThrough} — the
 * live trainer's from {@code /v1/progress?after=EPISODE}, an ended trainer's from the records file
 * it left in storage. Records the brain has already judged are ignored, so passing more than asked
 * is harmless.
 *
 * @param trainer the newest attempt's trainer, or null when there is none
 * @param progress the trainer's latest /v1/progress answer, or null when unavailable
 * @param checkpoints manifests of the committed checkpoints listed from storage
 * @param rejectedCheckpoints ids of checkpoint folders without a manifest or with a bad sha256
 * @param episodes per-episode records of the trainer's attempt, oldest first (may be empty)
 * @param progressProblem why the trainer's answer could not be read (not JSON, not a progress
 *     report), or null; a trainer that does not answer at all is not a problem here
 * @param storageProblem why the run's checkpoints could not be listed (storage down, a missing
 *     Secret), or null: nothing is decided without them, the run waits and says why
 * @param warmStartSource the run {@code spec.initFrom.run} names, looked up only while the run has
 *     not started from it yet ({@link WarmStartPolicy#needsSource}); null otherwise
 */
public record Observation(
    TrainerObservation trainer,
    ProgressReport progress,
    List<CheckpointManifest> checkpoints,
    List<String> rejectedCheckpoints,
    List<EpisodeRecord> episodes,
    String progressProblem,
    String storageProblem,
    SourceRun warmStartSource) {

  public Observation {
    checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    rejectedCheckpoints =
        rejectedCheckpoints == null ? List.of() : List.copyOf(rejectedCheckpoints);
    episodes = episodes == null ? List.of() : List.copyOf(episodes);
  }

  /** An observation whose checkpoints could be listed. */
  public Observation(
      TrainerObservation trainer,
      ProgressReport progress,
      List<CheckpointManifest> checkpoints,
      List<String> rejectedCheckpoints,
      List<EpisodeRecord> episodes,
      String progressProblem) {
    this(
        trainer, progress, checkpoints, rejectedCheckpoints, episodes, progressProblem, null, null);
  }

  /** The run's storage could not be listed: the brain waits for it. */
  public static Observation storageUnavailable(
      TrainerObservation trainer, ProgressReport progress, String problem) {
    return new Observation(trainer, progress, List.of(), List.of(), List.of(), null, problem, null);
  }

  /** An observation whose progress could be read (or was not answered). */
  public Observation(
      TrainerObservation trainer,
      ProgressReport progress,
      List<CheckpointManifest> checkpoints,
      List<String> rejectedCheckpoints,
      List<EpisodeRecord> episodes) {
    this(trainer, progress, checkpoints, rejectedCheckpoints, episodes, null);
  }

  /** An observation whose episode records are those the progress report carries. */
  public Observation(
      TrainerObservation trainer,
      ProgressReport progress,
      List<CheckpointManifest> checkpoints,
      List<String> rejectedCheckpoints) {
    this(
        trainer,
        progress,
        checkpoints,
        rejectedCheckpoints,
        progress == null ? List.of() : progress.episodes());
  }

  /** This observation with the warm start's source run as the platform found it. */
  public Observation withWarmStartSource(SourceRun source) {
    return new Observation(
        trainer,
        progress,
        checkpoints,
        rejectedCheckpoints,
        episodes,
        progressProblem,
        storageProblem,
        source);
  }

  /** Nothing seen yet: no trainer, no progress, no checkpoints. */
  public static Observation empty() {
    return new Observation(null, null, List.of(), List.of(), List.of(), null, null, null);
  }
}

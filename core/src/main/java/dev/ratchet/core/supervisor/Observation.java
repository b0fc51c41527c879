package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import java.util.List;

/**
 * What the platform saw just before a decision.
 *
 * <p>The platform keeps reporting an ended attempt (exit code and all) until the next attempt is
 * started; a trainer that was seen and is then not reported at all counts as gone.
 *
 * @param trainer the newest attempt's trainer, or null when there is none
 * @param progress the trainer's latest /v1/progress answer, or null when unavailable
 * @param checkpoints manifests of the committed checkpoints listed from storage
 * @param rejectedCheckpoints ids of checkpoint folders without a manifest or with a bad sha256
 */
public record Observation(
    TrainerObservation trainer,
    ProgressReport progress,
    List<CheckpointManifest> checkpoints,
    List<String> rejectedCheckpoints) {

  public Observation {
    checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    rejectedCheckpoints =
        rejectedCheckpoints == null ? List.of() : List.copyOf(rejectedCheckpoints);
  }

  /** Nothing seen yet: no trainer, no progress, no checkpoints. */
  public static Observation empty() {
    return new Observation(null, null, List.of(), List.of());
  }
}

package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.util.List;

/**
 * Everything a report is made of.
 *
 * @param namespace the run's namespace ({@code local} in local mode)
 * @param run the run's name
 * @param status the run's status, or null when it has none yet
 * @param episodes every episode record of every attempt, in attempt then episode order
 * @param window the run's configured moving-mean window ({@link #windowOf}), or null when the
 *     caller does not know the spec; the report then states the window it chose instead
 * @param checkpoints the run's committed checkpoints, for the evaluation table and chart (empty
 *     when not read)
 */
public record ReportInput(
    String namespace,
    String run,
    TrainingRunStatus status,
    List<EpisodeRecord> episodes,
    Integer window,
    List<CheckpointManifest> checkpoints) {

  public ReportInput {
    checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
  }

  /** A report without the checkpoints (no evaluation section). */
  public ReportInput(
      String namespace,
      String run,
      TrainingRunStatus status,
      List<EpisodeRecord> episodes,
      Integer window) {
    this(namespace, run, status, episodes, window, List.of());
  }

  /**
   * The run's {@code spec.divergence.window}: the trainer reports its windowed score over it and
   * Ratchet judges divergence on it, so the charts' moving mean is the line the run was judged by.
   * Null without a spec.
   */
  public static Integer windowOf(TrainingRunSpec spec) {
    return spec == null || spec.divergence == null ? null : spec.divergence.window;
  }
}

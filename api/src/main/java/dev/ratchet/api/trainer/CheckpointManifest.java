package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ratchet.api.v1alpha1.RunMetric;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a checkpoint, written last: its presence commits the checkpoint. A
 * checkpoint without one, or whose files do not match their sha256, is never used.
 *
 * @param formatVersion manifest format, {@link #FORMAT_VERSION}
 * @param id checkpoint id, {@code ep-EEEEEEEEE-aAAAA}
 * @param namespace namespace of the run
 * @param run name of the run
 * @param attempt attempt that wrote it
 * @param phase phase it was written in
 * @param phaseIndex index of that phase
 * @param episode episodes completed when it was written
 * @param envSteps environment steps completed when it was written
 * @param kind why it was written
 * @param createdAt when it was written (RFC 3339)
 * @param metrics windowed metrics at save time, by {@link dev.ratchet.api.v1alpha1.RunMetric} JSON
 *     name (scoreMean, rewardMean, alphaEntropy, gradNorm)
 * @param nonFinite whether a non-finite value was seen in the window before it (never true for a
 *     checkpoint the trainer commits, recorded for auditing)
 * @param files the checkpoint's other files
 * @param startedFrom id of the checkpoint the writing attempt resumed from; null for an attempt
 *     that started afresh (and in manifests written before it was recorded). It lets the supervisor
 *     follow the line of training back through rollbacks and phase changes.
 * @param ranking what ranks it among the best: the run's best metric over its best window, once
 *     that window is full; null before (and in manifests written before it was recorded)
 * @param evaluation what the checkpoint's policy reached on the evaluation episodes; null when the
 *     run evaluates nothing (its {@code evalScoreMean} and {@code evalSuccessRate} are in {@code
 *     metrics} too, where every watched signal is read)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointManifest(
    int formatVersion,
    String id,
    String namespace,
    String run,
    int attempt,
    String phase,
    int phaseIndex,
    long episode,
    long envSteps,
    CheckpointKind kind,
    String createdAt,
    Map<String, Double> metrics,
    boolean nonFinite,
    List<FileEntry> files,
    String startedFrom,
    Ranking ranking,
    EvaluationResult evaluation) {

  public static final int FORMAT_VERSION = 1;

  /** A manifest of a checkpoint that was not evaluated. */
  public CheckpointManifest(
      int formatVersion,
      String id,
      String namespace,
      String run,
      int attempt,
      String phase,
      int phaseIndex,
      long episode,
      long envSteps,
      CheckpointKind kind,
      String createdAt,
      Map<String, Double> metrics,
      boolean nonFinite,
      List<FileEntry> files,
      String startedFrom,
      Ranking ranking) {
    this(
        formatVersion,
        id,
        namespace,
        run,
        attempt,
        phase,
        phaseIndex,
        episode,
        envSteps,
        kind,
        createdAt,
        metrics,
        nonFinite,
        files,
        startedFrom,
        ranking,
        null);
  }

  /**
   * The value a checkpoint is ranked by.
   *
   * @param metric the run's {@code checkpoints.best.metric}
   * @param window its {@code checkpoints.best.window}: the episodes the mean is over
   * @param value the mean
   */
  public record Ranking(RunMetric metric, int window, double value) {}

  /** Name of the manifest inside a checkpoint folder. */
  public static final String FILE_NAME = "manifest.json";

  /**
   * One file of a checkpoint.
   *
   * @param name file name inside the checkpoint folder
   * @param size size in bytes
   * @param sha256 lowercase hex sha256 of the content
   */
  public record FileEntry(String name, long size, String sha256) {}
}

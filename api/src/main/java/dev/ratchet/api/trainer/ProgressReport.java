package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The trainer's {@code GET /v1/progress} answer: where the attempt is and its windowed stats.
 *
 * @param attempt attempt number
 * @param phase phase being trained
 * @param episode episodes completed since the run started
 * @param envSteps environment steps completed since the run started
 * @param untilEpisode the episode at which this attempt ends
 * @param windowEpisodes episodes in the current window (less than the window early on)
 * @param scoreMean mean score over the window
 * @param scoreStd standard deviation of the score over the window
 * @param scoreMax best single score in the window
 * @param rewardMean mean episode reward over the window
 * @param alphaEntropy mean router alpha entropy at the last update (moe), else null
 * @param gradNorm gradient norm before clipping at the last update
 * @param learningRate learning rate in use
 * @param episodesPerMinute recent episode rate
 * @param nonFiniteCount updates skipped for NaN/Inf since the attempt started
 * @param lastCheckpoint the newest checkpoint this attempt committed, or null
 * @param state what the trainer is doing
 * @param updatedAt when these numbers were computed (RFC 3339)
 * @param episodes the records of this attempt's episodes after the one a reader named with {@code
 *     ?after=EPISODE}, oldest first, at most {@value #EPISODES_LIMIT} (the newest); empty when not
 *     asked. A supervisor that reads them judges every episode, however seldom it reads.
 * @param lastNonFinite where the newest update with skipped steps first went NaN/Inf, e.g. "episode
 *     396: gradient of experts.weight"; null when none did in this attempt
 * @param successRate share of the window's episodes that reached the environment's goal
 * @param lastEvaluation the newest evaluation of a checkpoint this attempt committed, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressReport(
    int attempt,
    String phase,
    long episode,
    long envSteps,
    long untilEpisode,
    int windowEpisodes,
    Double scoreMean,
    Double scoreStd,
    Double scoreMax,
    Double rewardMean,
    Double alphaEntropy,
    Double gradNorm,
    Double learningRate,
    Double episodesPerMinute,
    long nonFiniteCount,
    CommittedCheckpoint lastCheckpoint,
    TrainerState state,
    String updatedAt,
    List<EpisodeRecord> episodes,
    String lastNonFinite,
    Double successRate,
    EvaluationResult lastEvaluation) {

  /** Most episode records one report carries. */
  public static final int EPISODES_LIMIT = 10_000;

  public ProgressReport {
    episodes = episodes == null ? List.of() : List.copyOf(episodes);
  }

  /** The same report carrying {@code records} as its episodes. */
  public ProgressReport withEpisodes(List<EpisodeRecord> records) {
    return new ProgressReport(
        attempt,
        phase,
        episode,
        envSteps,
        untilEpisode,
        windowEpisodes,
        scoreMean,
        scoreStd,
        scoreMax,
        rewardMean,
        alphaEntropy,
        gradNorm,
        learningRate,
        episodesPerMinute,
        nonFiniteCount,
        lastCheckpoint,
        state,
        updatedAt,
        records,
        lastNonFinite,
        successRate,
        lastEvaluation);
  }

  /** A report of a trainer that evaluates nothing. */
  public ProgressReport(
      int attempt,
      String phase,
      long episode,
      long envSteps,
      long untilEpisode,
      int windowEpisodes,
      Double scoreMean,
      Double scoreStd,
      Double scoreMax,
      Double rewardMean,
      Double alphaEntropy,
      Double gradNorm,
      Double learningRate,
      Double episodesPerMinute,
      long nonFiniteCount,
      CommittedCheckpoint lastCheckpoint,
      TrainerState state,
      String updatedAt,
      List<EpisodeRecord> episodes,
      String lastNonFinite,
      Double successRate) {
    this(
        attempt,
        phase,
        episode,
        envSteps,
        untilEpisode,
        windowEpisodes,
        scoreMean,
        scoreStd,
        scoreMax,
        rewardMean,
        alphaEntropy,
        gradNorm,
        learningRate,
        episodesPerMinute,
        nonFiniteCount,
        lastCheckpoint,
        state,
        updatedAt,
        episodes,
        lastNonFinite,
        successRate,
        null);
  }

  /**
   * A checkpoint as progress reports it.
   *
   * @param id checkpoint id
   * @param episode episode it was written at
   * @param kind why it was written
   * @param uri s3:// URI of its folder
   */
  public record CommittedCheckpoint(String id, long episode, CheckpointKind kind, String uri) {}

  /** What the trainer process is doing. */
  public enum TrainerState {
    STARTING,
    TRAINING,
    CHECKPOINTING,
    FINISHED,
    STOPPING
  }
}

package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One line of {@code RUN/metrics/attempt-NNNN.jsonl}: a finished episode, as reports and plots read
 * it.
 *
 * @param episode episodes completed since the run started, this one included
 * @param score the episode's score (the environment's own measure, e.g. steps balanced, gold)
 * @param reward mean reward per step over the episode
 * @param length steps in the episode
 * @param phase phase being trained
 * @param attempt attempt that played the episode
 * @param envSteps environment steps completed since the run started
 * @param time when the episode ended (RFC 3339)
 * @param alphaEntropy mean router alpha entropy at the last update (moe only, else absent)
 * @param expertUsage share of samples routed to each expert at the last update (moe only)
 * @param temperature router temperature in use (moe only)
 * @param window the trainer's windowed statistics right after this episode, which the supervisor
 *     judges episode by episode (absent in records written before they were added)
 * @param success whether the episode reached the environment's goal (absent in records written
 *     before it was added)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpisodeRecord(
    long episode,
    double score,
    double reward,
    int length,
    String phase,
    int attempt,
    long envSteps,
    String time,
    Double alphaEntropy,
    List<Double> expertUsage,
    Double temperature,
    Window window,
    Boolean success) {

  /**
   * The attempt's windowed statistics after an episode: the last {@code episodes} episodes of the
   * attempt (fewer early on), as {@code GET /v1/progress} reports them.
   *
   * @param episodes episodes in the window
   * @param scoreMean mean score over the window
   * @param scoreStd standard deviation of the score over the window
   * @param rewardMean mean per-step reward over the window
   * @param rewardStd standard deviation of that reward over the window
   * @param gradNorm gradient norm before clipping at the last update, or null before one
   * @param nonFiniteCount updates skipped for NaN/Inf so far, as the progress report counts them
   * @param successRate share of the window's episodes that reached the environment's goal (absent
   *     in records written before it was added)
   * @param evalEpisodes evaluation episodes of the newest evaluated checkpoint of the attempt, or
   *     null before one (the four eval figures let the supervisor judge evaluation metrics episode
   *     by episode, as it judges the window's)
   * @param evalScoreMean that evaluation's mean score
   * @param evalScoreStd that evaluation's score standard deviation
   * @param evalSuccessRate that evaluation's success rate
   * @param evalEpisode the training episode of the checkpoint that evaluation played, so that
   *     reports chart every evaluation from the records, even of checkpoints retention deleted
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Window(
      int episodes,
      double scoreMean,
      double scoreStd,
      double rewardMean,
      double rewardStd,
      Double gradNorm,
      long nonFiniteCount,
      Double successRate,
      Integer evalEpisodes,
      Double evalScoreMean,
      Double evalScoreStd,
      Double evalSuccessRate,
      Long evalEpisode) {

    /** A window of an attempt that has no evaluation (yet). */
    public Window(
        int episodes,
        double scoreMean,
        double scoreStd,
        double rewardMean,
        double rewardStd,
        Double gradNorm,
        long nonFiniteCount,
        Double successRate) {
      this(
          episodes,
          scoreMean,
          scoreStd,
          rewardMean,
          rewardStd,
          gradNorm,
          nonFiniteCount,
          successRate,
          null,
          null,
          null,
          null,
          null);
    }
  }
}

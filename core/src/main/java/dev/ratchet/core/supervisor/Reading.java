package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.RunMetric;
import java.util.List;

/**
 * The windowed signals after one episode, as the rules judge them: read from that episode's record
 * (every episode is judged, however seldom the platform reads) or, when the trainer sends no
 * records, from its latest progress report.
 *
 * @param episode the episode just finished
 * @param windowEpisodes episodes in the window (fewer than the window early in an attempt)
 * @param scoreMean mean score over the window, or null
 * @param scoreStd standard deviation of the score over the window, or null
 * @param rewardMean mean per-step reward over the window, or null
 * @param rewardStd standard deviation of that reward, or null
 * @param alphaEntropy router alpha entropy at the last update (moe), or null
 * @param gradNorm gradient norm at the last update, or null
 * @param nonFiniteCount updates skipped for NaN/Inf so far
 * @param expertUsage each expert's share of the mixture at the last update (moe), or null
 * @param evaluation the newest checkpoint evaluation of the attempt by then, or null
 */
record Reading(
    long episode,
    int windowEpisodes,
    Double scoreMean,
    Double scoreStd,
    Double rewardMean,
    Double rewardStd,
    Double alphaEntropy,
    Double gradNorm,
    long nonFiniteCount,
    List<Double> expertUsage,
    Evaluation evaluation) {

  /**
   * A checkpoint evaluation as the rules judge it.
   *
   * @param episodes evaluation episodes played
   * @param scoreMean their mean score
   * @param scoreStd their score's standard deviation
   * @param successRate their success rate, or null when the environment defines no success
   */
  record Evaluation(int episodes, double scoreMean, double scoreStd, Double successRate) {}

  /** The reading of a record with windowed statistics, or null for one without. */
  static Reading of(EpisodeRecord r) {
    EpisodeRecord.Window w = r.window();
    if (w == null) {
      return null;
    }
    return new Reading(
        r.episode(),
        w.episodes(),
        w.scoreMean(),
        w.scoreStd(),
        w.rewardMean(),
        w.rewardStd(),
        r.alphaEntropy(),
        w.gradNorm(),
        w.nonFiniteCount(),
        r.expertUsage(),
        w.evalEpisodes() == null
            ? null
            : new Evaluation(
                w.evalEpisodes(), w.evalScoreMean(), w.evalScoreStd(), w.evalSuccessRate()));
  }

  /** The reading of a progress report (reward spread unknown). */
  static Reading of(ProgressReport p) {
    return new Reading(
        p.episode(),
        p.windowEpisodes(),
        p.scoreMean(),
        p.scoreStd(),
        p.rewardMean(),
        null,
        p.alphaEntropy(),
        p.gradNorm(),
        p.nonFiniteCount(),
        null,
        p.lastEvaluation() == null
            ? null
            : new Evaluation(
                p.lastEvaluation().episodes(),
                p.lastEvaluation().scoreMean(),
                p.lastEvaluation().scoreStd(),
                p.lastEvaluation().successRate()));
  }

  /** The value of a watched metric, or null when not reported. */
  Double value(RunMetric metric) {
    return switch (metric) {
      case SCORE_MEAN -> scoreMean;
      case REWARD_MEAN -> rewardMean;
      case ALPHA_ENTROPY -> alphaEntropy;
      case GRAD_NORM -> gradNorm;
      case EVAL_SCORE_MEAN -> evaluation == null ? null : evaluation.scoreMean();
      case EVAL_SUCCESS_RATE -> evaluation == null ? null : evaluation.successRate();
    };
  }

  /**
   * The standard error of a windowed mean (std / √episodes); 0 for a metric that is not a window
   * mean or whose spread is not reported, so the noise guard never blocks on missing figures.
   */
  double standardError(RunMetric metric) {
    if (metric.fromEvaluation()) {
      return evaluationStandardError(metric);
    }
    Double std =
        switch (metric) {
          case SCORE_MEAN -> scoreStd;
          case REWARD_MEAN -> rewardStd;
          case ALPHA_ENTROPY, GRAD_NORM, EVAL_SCORE_MEAN, EVAL_SUCCESS_RATE -> null;
        };
    if (std == null || !Double.isFinite(std) || windowEpisodes <= 0) {
      return 0;
    }
    return std / Math.sqrt(windowEpisodes);
  }

  /** Of the evaluation's mean: std / √n for the score, √(p(1−p)/n) for the success rate. */
  private double evaluationStandardError(RunMetric metric) {
    if (evaluation == null || evaluation.episodes() <= 0) {
      return 0;
    }
    double n = evaluation.episodes();
    if (metric == RunMetric.EVAL_SCORE_MEAN) {
      return Double.isFinite(evaluation.scoreStd()) ? evaluation.scoreStd() / Math.sqrt(n) : 0;
    }
    Double p = evaluation.successRate();
    return p == null ? 0 : Math.sqrt(p * (1 - p) / n);
  }
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The metrics that can rank checkpoints: those where higher is better. (The router's entropy and
 * the gradient norm are watched, never ranked.)
 */
public enum BestMetric {
  @JsonProperty("scoreMean")
  SCORE_MEAN(RunMetric.SCORE_MEAN),
  @JsonProperty("rewardMean")
  REWARD_MEAN(RunMetric.REWARD_MEAN),
  @JsonProperty("evalScoreMean")
  EVAL_SCORE_MEAN(RunMetric.EVAL_SCORE_MEAN),
  @JsonProperty("evalSuccessRate")
  EVAL_SUCCESS_RATE(RunMetric.EVAL_SUCCESS_RATE);

  private final RunMetric metric;

  BestMetric(RunMetric metric) {
    this.metric = metric;
  }

  /** The same metric in the vocabulary of every watched signal. */
  public RunMetric runMetric() {
    return metric;
  }
}

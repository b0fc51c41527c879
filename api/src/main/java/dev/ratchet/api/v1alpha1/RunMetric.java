package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Windowed training signals that gates, divergence and early stopping can watch. */
public enum RunMetric {
  @JsonProperty("scoreMean")
  SCORE_MEAN,
  @JsonProperty("rewardMean")
  REWARD_MEAN,
  @JsonProperty("alphaEntropy")
  ALPHA_ENTROPY,
  @JsonProperty("gradNorm")
  GRAD_NORM
}

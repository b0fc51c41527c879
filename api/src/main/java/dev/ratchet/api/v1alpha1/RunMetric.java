package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ratchet.api.trainer.MetricNames;

/**
 * Windowed training signals that gates, divergence and early stopping can watch: the one vocabulary
 * of their names — the spec's and the manifests' key, and the Prometheus gauge.
 */
public enum RunMetric {
  @JsonProperty("scoreMean")
  SCORE_MEAN("scoreMean", MetricNames.SCORE_MEAN),
  @JsonProperty("rewardMean")
  REWARD_MEAN("rewardMean", MetricNames.REWARD_MEAN),
  @JsonProperty("alphaEntropy")
  ALPHA_ENTROPY("alphaEntropy", MetricNames.ALPHA_ENTROPY),
  @JsonProperty("gradNorm")
  GRAD_NORM("gradNorm", MetricNames.GRAD_NORM),
  /** Mean score of the newest checkpoint's evaluation episodes (needs spec.evaluation). */
  @JsonProperty("evalScoreMean")
  EVAL_SCORE_MEAN("evalScoreMean", MetricNames.EVAL_SCORE_MEAN),
  /** Success rate of the newest checkpoint's evaluation episodes (needs spec.evaluation). */
  @JsonProperty("evalSuccessRate")
  EVAL_SUCCESS_RATE("evalSuccessRate", MetricNames.EVAL_SUCCESS_RATE);

  private final String key;
  private final String prometheusName;

  RunMetric(String key, String prometheusName) {
    this.key = key;
    this.prometheusName = prometheusName;
  }

  /** The name in specs, progress reports and checkpoint manifests, e.g. {@code scoreMean}. */
  public String key() {
    return key;
  }

  /** Whether the metric comes from evaluation episodes rather than the training window. */
  public boolean fromEvaluation() {
    return this == EVAL_SCORE_MEAN || this == EVAL_SUCCESS_RATE;
  }

  /** The trainer's Prometheus gauge, e.g. {@code ratchet_score_mean}. */
  public String prometheusName() {
    return prometheusName;
  }
}

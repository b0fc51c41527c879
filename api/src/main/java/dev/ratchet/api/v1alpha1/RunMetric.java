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
  GRAD_NORM("gradNorm", MetricNames.GRAD_NORM);

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

  /** The trainer's Prometheus gauge, e.g. {@code ratchet_score_mean}. */
  public String prometheusName() {
    return prometheusName;
  }
}

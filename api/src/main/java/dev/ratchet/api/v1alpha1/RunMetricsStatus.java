package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Windowed training signals as last reported by the trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunMetricsStatus {

  @JsonPropertyDescription("Mean episode score over the window.")
  public Double scoreMean;

  @JsonPropertyDescription("Standard deviation of the episode score over the window.")
  public Double scoreStd;

  @JsonPropertyDescription("Mean episode reward over the window.")
  public Double rewardMean;

  @JsonPropertyDescription(
      "Share of the window's episodes that reached the environment's goal (0 to 1).")
  public Double successRate;

  @JsonPropertyDescription("Mean entropy of the router weights (moe); ln(experts) at most.")
  public Double alphaEntropy;

  @JsonPropertyDescription("Episodes finished per minute, recently.")
  public Double episodesPerMinute;

  @JsonPropertyDescription("Gradient norm before clipping at the last update.")
  public Double gradNorm;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** PPO hyperparameters a phase sets for itself; unset ones come from spec.ppo. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PpoOverrides {

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Adam learning rate of this phase.")
  public Double learningRate;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("PPO clip range of this phase.")
  public Double clipRange;

  @Min(0)
  @JsonPropertyDescription("Entropy bonus weight of this phase.")
  public Double entropyCoef;

  @Min(0)
  @JsonPropertyDescription("Value loss weight of this phase.")
  public Double valueCoef;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Gradient norm clipping threshold of this phase.")
  public Double maxGradNorm;

  @Min(1)
  @JsonPropertyDescription("Passes over the rollout per update in this phase.")
  public Integer epochs;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Approx-KL early stop threshold of this phase.")
  public Double targetKl;
}

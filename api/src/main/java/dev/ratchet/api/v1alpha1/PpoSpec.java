package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** PPO hyperparameters of the run; a phase may override any of the tunable ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PpoSpec {

  @Default("0.0003")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Adam learning rate.")
  public double learningRate = 3e-4;

  @Default("128")
  @Min(1)
  @JsonPropertyDescription("Steps collected per environment before each update.")
  public int rolloutSteps = 128;

  @Default("4")
  @Min(1)
  @JsonPropertyDescription("Minibatches the rollout is split into per epoch.")
  public int minibatches = 4;

  @Default("4")
  @Min(1)
  @JsonPropertyDescription("Passes over the rollout per update.")
  public int epochs = 4;

  @Default("0.99")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Discount factor.")
  public double gamma = 0.99;

  @Default("0.95")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("GAE lambda.")
  public double gaeLambda = 0.95;

  @Default("0.2")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("PPO clip range of the probability ratio.")
  public double clipRange = 0.2;

  @Default("0.01")
  @Min(0)
  @JsonPropertyDescription("Weight of the policy entropy bonus.")
  public double entropyCoef = 0.01;

  @Default("0.5")
  @Min(0)
  @JsonPropertyDescription("Weight of the value loss.")
  public double valueCoef = 0.5;

  @Default("0.5")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Global gradient norm clipping threshold.")
  public double maxGradNorm = 0.5;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Stop the epochs of an update early when approx KL exceeds this.")
  public Double targetKl;

  @Default("true")
  @JsonPropertyDescription("Clip the value loss around the old value predictions.")
  public boolean clipValueLoss = true;

  @Default("false")
  @JsonPropertyDescription("Anneal the learning rate linearly to zero over each phase.")
  public boolean annealLearningRate = false;

  @Default("false")
  @JsonPropertyDescription("Anneal the clip range linearly to zero over each phase.")
  public boolean annealClipRange = false;
}

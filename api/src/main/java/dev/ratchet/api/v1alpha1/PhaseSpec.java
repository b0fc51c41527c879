package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One training phase: its end gate, its routing and temperature, its hyperparameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PhaseSpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
  @JsonPropertyDescription("Phase name, a lowercase DNS label such as warmup or fine-tune.")
  public String name;

  @Required
  @JsonPropertyDescription("When the phase ends: an episode count and/or metric conditions.")
  public UntilSpec until;

  @Default("softmax")
  @JsonPropertyDescription("Router activation of this phase: softmax, or sparsemax (moe only).")
  public Routing routing = Routing.SOFTMAX;

  @JsonPropertyDescription("Router temperature, annealed linearly over the phase (moe only).")
  public TemperatureSpec temperature = new TemperatureSpec();

  @JsonPropertyDescription("PPO hyperparameters of this phase that differ from spec.ppo.")
  public PpoOverrides overrides;

  @JsonPropertyDescription("Mixture-of-experts auxiliary loss weights of this phase (moe only).")
  public MoeSpec moe;
}

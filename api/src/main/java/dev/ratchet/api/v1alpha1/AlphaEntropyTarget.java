package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * A band the router's alpha entropy is held in during a phase: the trainer tunes the alpha entropy
 * coefficient itself, by dual ascent on the two constraints low ≤ H ≤ high (as Soft Actor-Critic
 * tunes its temperature), instead of relying on a fixed coefficient to land there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlphaEntropyTarget {

  @Required
  @Min(0)
  @JsonPropertyDescription("Lowest batch-mean alpha entropy wanted (nats, at least 0).")
  public Double low;

  @Required
  @Min(0)
  @JsonPropertyDescription("Highest batch-mean alpha entropy wanted (nats, at most ln(experts)).")
  public Double high;

  @Default("0.05")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription(
      "How fast the coefficient moves: per update, by this times the distance outside the band.")
  public double adaptRate = 0.05;

  @Default("1.0")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Largest coefficient the trainer may use, either way.")
  public double maxCoef = 1.0;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Auxiliary loss weights that shape the mixture-of-experts router in a phase. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MoeSpec {

  @Default("0.0")
  @Min(0)
  @JsonPropertyDescription("Weight of the router's alpha entropy term.")
  public double alphaEntropyCoef = 0.0;

  @Default("maximize")
  @JsonPropertyDescription("Whether the alpha entropy term spreads (maximize) or focuses routing.")
  public EntropyGoal alphaEntropyGoal = EntropyGoal.MAXIMIZE;

  @JsonPropertyDescription(
      "Hold the alpha entropy in this band by tuning its coefficient automatically;"
          + " alphaEntropyCoef and alphaEntropyGoal then give the starting coefficient.")
  public AlphaEntropyTarget alphaEntropyTarget;

  @Default("0.0")
  @Min(0)
  @JsonPropertyDescription("Weight of the Switch-style load balance loss.")
  public double loadBalanceCoef = 0.0;

  @Default("0.0")
  @Min(0)
  @JsonPropertyDescription("Weight of the expert diversity loss (pairwise cosine similarity).")
  public double diversityCoef = 0.0;
}

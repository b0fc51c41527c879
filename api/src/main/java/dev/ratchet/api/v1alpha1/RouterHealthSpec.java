package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Watches a mixture of experts' router (moe only): routing stuck outside the phase's alpha entropy
 * band, and experts that fell out of use.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterHealthSpec {

  @Default("500")
  @Min(1)
  @JsonPropertyDescription(
      "Routing counts as stuck when alpha entropy stays within stuckEpsilon of one value for this"
          + " many episodes while outside the phase's moe.alphaEntropyTarget band.")
  public long stuckForEpisodes = 500;

  @Default("0.01")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("How far alpha entropy may move and still count as flat.")
  public double stuckEpsilon = 0.01;

  @Default("0.1")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "An expert is dead while its share of the mixture is below this fraction of the even share"
          + " 1/experts.")
  public double deadBelowShare = 0.1;

  @Default("500")
  @Min(1)
  @JsonPropertyDescription("Episodes an expert must stay dead before it is reported.")
  public long deadForEpisodes = 500;

  @Default("report")
  @JsonPropertyDescription("What stuck routing leads to: report, or rollback as for divergence.")
  public RouterHealthAction onStuck = RouterHealthAction.REPORT;

  @Default("report")
  @JsonPropertyDescription("What a dead expert leads to: report, or rollback as for divergence.")
  public RouterHealthAction onDeadExpert = RouterHealthAction.REPORT;
}

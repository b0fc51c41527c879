package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A windowed training metric compared with a threshold, held for a number of episodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricCondition {

  @Required
  @JsonPropertyDescription("The windowed metric compared.")
  public RunMetric metric;

  @JsonPropertyDescription("Holds while the metric is below this value (set below or above).")
  public Double below;

  @JsonPropertyDescription("Holds while the metric is above this value (set below or above).")
  public Double above;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Episodes the comparison must hold without a break.")
  public long forEpisodes = 0;
}

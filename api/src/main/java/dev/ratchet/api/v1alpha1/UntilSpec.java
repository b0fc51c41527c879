package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

/**
 * The end gate of a phase: it ends at the episode count, or earlier when the metric conditions hold
 * (any one of anyOf, and all of allOf).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UntilSpec {

  @Min(1)
  @JsonPropertyDescription(
      "Total episode count (counted from the run's start) that ends the phase.")
  public Long episode;

  @JsonPropertyDescription("The phase ends when any one of these conditions holds.")
  public List<MetricCondition> anyOf = new ArrayList<>();

  @JsonPropertyDescription("The phase ends when all of these conditions hold.")
  public List<MetricCondition> allOf = new ArrayList<>();
}

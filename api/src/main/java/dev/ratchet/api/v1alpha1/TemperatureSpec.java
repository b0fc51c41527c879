package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Router temperature at the start and at the end of a phase. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemperatureSpec {

  @Default("1.0")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Temperature at the phase's first episode.")
  public double from = 1.0;

  @Default("1.0")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Temperature at the phase's last episode.")
  public double to = 1.0;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The checkpoint a divergence rollback resumes from and the safer hyperparameter scales. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackActionSpec {

  @Default("best")
  @JsonPropertyDescription("Resume from the best checkpoint, or the last one before divergence.")
  public RollbackTarget rollbackTo = RollbackTarget.BEST;

  @Default("0.33")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("The learning rate is multiplied by this at each rollback.")
  public double learningRateFactor = 0.33;

  @Default("0.75")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("The clip range is multiplied by this at each rollback.")
  public double clipRangeFactor = 0.75;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Multipliers compounded over rollbacks and applied to each phase's hyperparameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HyperparameterScale {

  @JsonPropertyDescription("Multiplier of the learning rate (1.0 before any rollback).")
  public Double learningRate;

  @JsonPropertyDescription("Multiplier of the clip range (1.0 before any rollback).")
  public Double clipRange;
}

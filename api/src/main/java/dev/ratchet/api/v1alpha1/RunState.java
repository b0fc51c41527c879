package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle states of a TrainingRun. */
public enum RunState {
  @JsonProperty("Pending")
  PENDING,
  @JsonProperty("Running")
  RUNNING,
  @JsonProperty("Transitioning")
  TRANSITIONING,
  @JsonProperty("RollingBack")
  ROLLING_BACK,
  @JsonProperty("Suspended")
  SUSPENDED,
  @JsonProperty("Succeeded")
  SUCCEEDED,
  @JsonProperty("EarlyStopped")
  EARLY_STOPPED,
  @JsonProperty("Failed")
  FAILED;

  /** The name shown by kubectl and in metrics labels, e.g. {@code RollingBack}. */
  public String label() {
    try {
      return RunState.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the run has ended and nothing more will be started for it. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == EARLY_STOPPED || this == FAILED;
  }
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Compute device of the trainer. */
public enum Device {
  @JsonProperty("auto")
  AUTO,
  @JsonProperty("cpu")
  CPU,
  @JsonProperty("gpu")
  GPU
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Policy network architectures. */
public enum Architecture {
  @JsonProperty("mlp")
  MLP,
  @JsonProperty("lstm")
  LSTM,
  @JsonProperty("moe")
  MOE
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Response to non-finite values reported by the trainer. */
public enum NonFiniteAction {
  @JsonProperty("rollback")
  ROLLBACK,
  @JsonProperty("fail")
  FAIL,
  @JsonProperty("ignore")
  IGNORE
}

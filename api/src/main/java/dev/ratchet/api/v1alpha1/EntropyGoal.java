package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Direction of the router's alpha entropy term. */
public enum EntropyGoal {
  @JsonProperty("maximize")
  MAXIMIZE,
  @JsonProperty("minimize")
  MINIMIZE
}

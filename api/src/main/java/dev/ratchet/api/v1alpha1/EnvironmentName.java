package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The environments the reference trainer ships. */
public enum EnvironmentName {
  @JsonProperty("cartpole")
  CARTPOLE,
  @JsonProperty("dungeon")
  DUNGEON,
  @JsonProperty("intercept")
  INTERCEPT
}

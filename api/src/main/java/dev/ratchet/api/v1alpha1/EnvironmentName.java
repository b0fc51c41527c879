package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The environments the reference trainer ships, and {@code external}: any environment served over
 * the environment protocol (docs/environment-protocol.md) by a process of the user's own.
 */
public enum EnvironmentName {
  @JsonProperty("cartpole")
  CARTPOLE,
  @JsonProperty("dungeon")
  DUNGEON,
  @JsonProperty("intercept")
  INTERCEPT,
  @JsonProperty("external")
  EXTERNAL
}

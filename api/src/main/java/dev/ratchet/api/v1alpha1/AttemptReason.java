package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why the supervisor starts a trainer attempt. */
public enum AttemptReason {
  @JsonProperty("Start")
  START,
  @JsonProperty("PhaseTransition")
  PHASE_TRANSITION,
  @JsonProperty("Rollback")
  ROLLBACK,
  @JsonProperty("ManualRollback")
  MANUAL_ROLLBACK,
  @JsonProperty("Restart")
  RESTART,
  @JsonProperty("Extension")
  EXTENSION,
  @JsonProperty("Resume")
  RESUME
}

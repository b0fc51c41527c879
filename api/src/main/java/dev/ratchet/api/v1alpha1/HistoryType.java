package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kinds of history entries. */
public enum HistoryType {
  @JsonProperty("PhaseTransition")
  PHASE_TRANSITION,
  @JsonProperty("Rollback")
  ROLLBACK,
  @JsonProperty("ManualRollback")
  MANUAL_ROLLBACK,
  @JsonProperty("Restart")
  RESTART,
  @JsonProperty("EarlyStop")
  EARLY_STOP,
  @JsonProperty("Suspend")
  SUSPEND,
  @JsonProperty("Resume")
  RESUME,
  @JsonProperty("Failure")
  FAILURE,
  /** A Succeeded run given a phase after the one it ended in, trained on into it. */
  @JsonProperty("Extension")
  EXTENSION
}

package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why a checkpoint was written. */
public enum CheckpointKind {
  /** Every {@code everyEpisodes} episodes. */
  @JsonProperty("periodic")
  PERIODIC,
  /** The windowed best metric improved. */
  @JsonProperty("best")
  BEST,
  /** The phase's episode gate was reached. */
  @JsonProperty("phase-end")
  PHASE_END,
  /** The attempt reached its untilEpisode. */
  @JsonProperty("final")
  FINAL,
  /** SIGTERM: written within the grace period before exiting. */
  @JsonProperty("preempt")
  PREEMPT
}

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
  /** The attempt reached its untilEpisode: its phase's end by count (the last: the run's). */
  @JsonProperty("phase-end")
  PHASE_END,
  /** SIGTERM: written within the grace period before exiting. */
  @JsonProperty("preempt")
  PREEMPT
}

package dev.ratchet.trainer.env;

/** How one environment step ended. */
public enum StepOutcome {
  RUNNING,
  /** The episode reached a terminal state (failure, success, death). */
  TERMINATED,
  /** The episode was cut off at the step limit. */
  TRUNCATED
}

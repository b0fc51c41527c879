package dev.ratchet.core.supervisor;

/**
 * The trainer the platform found for the run: the newest attempt it knows of.
 *
 * @param attempt attempt number of that trainer
 * @param phase where it is
 * @param exitCode exit code once it ended, else null
 * @param reason the platform's reason, e.g. OOMKilled or Evicted; may be null
 */
public record TrainerObservation(int attempt, TrainerPhase phase, Integer exitCode, String reason) {

  /** A trainer of this attempt that is running. */
  public static TrainerObservation running(int attempt) {
    return new TrainerObservation(attempt, TrainerPhase.RUNNING, null, null);
  }

  /** Whether it may still be training. */
  public boolean active() {
    return phase.active();
  }
}

package dev.ratchet.core.supervisor;

/** Where the trainer of an attempt is, as the platform sees its pod or process. */
public enum TrainerPhase {
  /** Created, not yet running (pod scheduling, image pulling, process starting). */
  PENDING,
  /** Running. */
  RUNNING,
  /** Exited 0: it reached its untilEpisode, or stopped cleanly when asked to. */
  SUCCEEDED,
  /** Exited non-zero or was killed (e.g. OOMKilled). */
  FAILED,
  /** Disappeared without an exit status (pod deleted, node lost). */
  GONE;

  /** Whether the trainer may still be training, so that no other attempt may start. */
  public boolean active() {
    return this == PENDING || this == RUNNING;
  }
}

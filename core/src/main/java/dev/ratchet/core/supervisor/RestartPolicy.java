package dev.ratchet.core.supervisor;

import java.time.Duration;

/**
 * Crash restarts: exponential backoff from {@code trainer.restartBackoffSeconds} (10 s, 20 s, 40 s,
 * … at most 5 min by default) so a crash loop does not hammer the cluster, and a limit of {@code
 * trainer.maxRestarts} crashes in a row — a crash after the attempt committed a checkpoint starts a
 * new series, since the run did move forward.
 */
final class RestartPolicy {

  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** The wait before restarting after the n-th crash in a row (n ≥ 1), from a first wait. */
  Duration backoff(int consecutiveCrashes, Duration first) {
    int doublings = Math.min(Math.max(consecutiveCrashes - 1, 0), 20);
    Duration delay = first.multipliedBy(1L << doublings);
    Duration max = first.compareTo(MAX_BACKOFF) > 0 ? first : MAX_BACKOFF;
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** Whether this many crashes in a row exceed the allowed restarts. */
  boolean exhausted(int consecutiveCrashes, int maxRestarts) {
    return consecutiveCrashes > maxRestarts;
  }

  /**
   * A short description of how an attempt ended, e.g. "attempt 3 exited with code 137 (OOMKilled)".
   */
  String describe(int attempt, TrainerObservation trainer) {
    if (trainer == null || trainer.phase() == TrainerPhase.GONE) {
      String why = trainer == null || trainer.reason() == null ? "" : " (" + trainer.reason() + ")";
      return "attempt " + attempt + "'s trainer disappeared" + why;
    }
    String code = trainer.exitCode() == null ? "unknown" : trainer.exitCode().toString();
    String why = trainer.reason() == null ? "" : " (" + trainer.reason() + ")";
    return "attempt " + attempt + " exited with code " + code + why;
  }

  /** The short form kept in status for the failure message: "137 OOMKilled". */
  String exitCode(TrainerObservation trainer) {
    if (trainer == null || trainer.phase() == TrainerPhase.GONE) {
      return "gone" + (trainer == null || trainer.reason() == null ? "" : " " + trainer.reason());
    }
    String code = trainer.exitCode() == null ? "unknown" : trainer.exitCode().toString();
    return code + (trainer.reason() == null ? "" : " " + trainer.reason());
  }
}

package dev.ratchet.trainer.env.remote;

/**
 * The external environment server could not be reached at start, went away, failed a call or did
 * not answer in time. A restart with a new server may help, so the trainer exits with {@code
 * TrainerExitCodes.ENVIRONMENT} and the supervisor restarts the attempt like a crash.
 */
public final class EnvironmentUnavailableException extends RuntimeException {

  public EnvironmentUnavailableException(String message) {
    super(message);
  }
}

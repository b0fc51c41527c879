package dev.ratchet.trainer.env.remote;

/**
 * The external environment server answers, but with something this trainer cannot train (spaces,
 * copies, protocol version) or refuses what the trainer sends. An unchanged restart cannot help, so
 * the trainer exits as with a bad config; the message names what was expected and what came.
 */
public final class EnvironmentMismatchException extends IllegalArgumentException {

  public EnvironmentMismatchException(String message) {
    super(message);
  }
}

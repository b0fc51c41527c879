package dev.ratchet.cli.runs;

/** A run cannot be read or changed; the message says what to do about it. */
public final class RunSourceException extends Exception {

  public RunSourceException(String message) {
    super(message);
  }
}

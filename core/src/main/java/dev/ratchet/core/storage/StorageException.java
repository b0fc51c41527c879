package dev.ratchet.core.storage;

/** Storage could not be reached or answered with an error; the message says which and where. */
public class StorageException extends RuntimeException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.ratchet.trainer.checkpoint;

import java.io.IOException;

/** A checkpoint that must not be used: not committed (no manifest) or corrupt (sha256, size). */
public final class CheckpointRefusedException extends IOException {

  private static final long serialVersionUID = 1L;

  public CheckpointRefusedException(String message) {
    super(message);
  }
}

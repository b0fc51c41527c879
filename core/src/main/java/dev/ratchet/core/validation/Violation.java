package dev.ratchet.core.validation;

/**
 * One thing wrong with a TrainingRun: the field path (e.g. {@code spec.phases[1].until.episode})
 * and what is expected there.
 */
public record Violation(String path, String message) {

  @Override
  public String toString() {
    return path + ": " + message;
  }
}

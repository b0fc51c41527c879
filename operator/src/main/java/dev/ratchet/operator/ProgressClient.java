package dev.ratchet.operator;

import dev.ratchet.api.trainer.ProgressReport;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/** Reads a running trainer's /v1/progress; a seam so tests can script the answers. */
public interface ProgressClient {

  /**
   * The trainer's latest progress with the records of its episodes after {@code after}, or empty
   * when it cannot be had right now.
   */
  Optional<ProgressReport> fetch(Pod pod, long after);
}

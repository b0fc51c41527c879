package dev.ratchet.operator;

import dev.ratchet.core.platform.ProgressReader;
import io.fabric8.kubernetes.api.model.Pod;

/** Reads a running trainer's /v1/progress; a seam so tests can script the answers. */
public interface ProgressClient {

  /**
   * The trainer's latest progress with the records of its episodes after {@code after}: a report, a
   * problem with its answer, or neither when it cannot be asked right now.
   */
  ProgressReader.Reply fetch(Pod pod, long after);
}

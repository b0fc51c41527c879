package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.util.List;

/**
 * The run a warm start names ({@code spec.initFrom.run}) as the platform found it: its spec and
 * status, and the checkpoints committed in its storage. The brain resolves the source checkpoint
 * from it, so both platforms resolve alike; the platform only reads.
 *
 * @param name the source run's name
 * @param spec its spec, or null when no such run exists
 * @param status its status, or null when it has none yet
 * @param committed ids of its committed checkpoints
 * @param problem why its checkpoints could not be listed (storage down, a missing Secret), or null
 */
public record SourceRun(
    String name,
    TrainingRunSpec spec,
    TrainingRunStatus status,
    List<String> committed,
    String problem) {

  public SourceRun {
    committed = committed == null ? List.of() : List.copyOf(committed);
  }

  /** No run of that name exists (yet). */
  public static SourceRun missing(String name) {
    return new SourceRun(name, null, null, List.of(), null);
  }

  /** The run exists but its checkpoints could not be listed. */
  public static SourceRun unlisted(
      String name, TrainingRunSpec spec, TrainingRunStatus status, String problem) {
    return new SourceRun(name, spec, status, List.of(), problem);
  }
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;

/**
 * The run being decided for: its identity (which names checkpoints and attempts) and its spec.
 *
 * @param namespace namespace ("local" in local mode)
 * @param name run name
 * @param generation metadata.generation of the spec, recorded as status.observedGeneration
 * @param spec the user's spec; never modified
 */
public record RunContext(String namespace, String name, Long generation, TrainingRunSpec spec) {

  /** The context of a TrainingRun resource. */
  public static RunContext of(TrainingRun run) {
    return new RunContext(
        run.getMetadata().getNamespace() == null ? "default" : run.getMetadata().getNamespace(),
        run.getMetadata().getName(),
        run.getMetadata().getGeneration(),
        run.getSpec());
  }
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.StorageSpec;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Resolves a warm start named by run ({@code spec.initFrom: {run, checkpoint}}) to one committed
 * checkpoint of the source run, once, before the run's first attempt: the source must exist, store
 * in this run's bucket, and have this run's network (shapes that differ are refused here, naming
 * the field, before any trainer starts). A source that has not yet committed the checkpoint named
 * is waited for while it can still commit it. The URI found is pinned in {@code
 * status.initializedFrom}, so later attempts and a source that trains on cannot change it.
 */
final class WarmStartPolicy {

  /** What became of the lookup. */
  sealed interface Resolution {}

  /** The source checkpoint's folder. */
  record Resolved(String uri) implements Resolution {}

  /** Not yet: the source run or its checkpoint may still come. */
  record Waiting(String why) implements Resolution {}

  /** Never, with this spec: what to fix. */
  record Refused(List<Violation> violations) implements Resolution {}

  /** Whether the run still has to find its warm start's source (and the platform to look it up). */
  static boolean needsSource(TrainingRunSpec spec, TrainingRunStatus status) {
    return spec != null
        && spec.initFrom != null
        && spec.initFrom.run != null
        && (status == null || (status.attempt == null && status.initializedFrom == null));
  }

  /** The checkpoint whose parameters an attempt without a checkpoint of its own starts from. */
  static String uri(TrainingRunSpec spec, TrainingRunStatus status) {
    if (status.initializedFrom != null) {
      return status.initializedFrom;
    }
    return spec.initFrom == null ? null : spec.initFrom.uri;
  }

  Resolution resolve(RunContext run, SourceRun source) {
    InitFromSpec from = run.spec().initFrom;
    String named = "run " + from.run + " (spec.initFrom.run)";
    if (from.run.equals(run.name())) {
      return refused("spec.initFrom.run", "names this run itself; name another run");
    }
    if (source != null && source.spec() == null && source.problem() != null) {
      return new Waiting(named + " cannot be read: " + source.problem());
    }
    if (source == null || source.spec() == null) {
      return new Waiting(
          "no TrainingRun "
              + from.run
              + " in namespace "
              + run.namespace()
              + " (spec.initFrom.run); the run starts once it exists, or fix the name");
    }
    List<Violation> mismatches = mismatches(run.spec(), source.spec(), from.run);
    if (!mismatches.isEmpty()) {
      return new Refused(mismatches);
    }
    if (source.problem() != null) {
      return new Waiting("the checkpoints of " + named + " cannot be listed: " + source.problem());
    }
    String checkpoint = from.checkpoint == null ? InitFromSpec.BEST : from.checkpoint;
    String id = pick(checkpoint, source);
    if (id != null) {
      StorageSpec storage = source.spec().checkpoints.storage;
      return new Resolved(
          StorageLayout.uri(
              storage.bucket,
              StorageLayout.checkpointFolder(storage.prefix, run.namespace(), source.name(), id)));
    }
    TrainingRunStatus status = source.status();
    String what =
        switch (checkpoint) {
          case InitFromSpec.BEST -> "no best checkpoint";
          case InitFromSpec.LATEST -> "no committed checkpoint";
          default -> "no committed checkpoint " + checkpoint;
        };
    if (status != null && status.state != null && status.state.isFinal()) {
      return refused(
          "spec.initFrom.checkpoint",
          named
              + " ended ("
              + StatusRecorder.stateName(status.state)
              + ") with "
              + what
              + "; its committed checkpoints: "
              + committed(source.committed())
              + ". Name one of them, best or latest");
    }
    return new Waiting(named + " has " + what + " yet; the run starts once it has");
  }

  /** The id the spec's checkpoint names among the source's, or null when there is none yet. */
  private static String pick(String checkpoint, SourceRun source) {
    TrainingRunStatus status = source.status();
    CheckpointRef ref =
        switch (checkpoint) {
          case InitFromSpec.BEST -> status == null ? null : status.bestCheckpoint;
          case InitFromSpec.LATEST -> status == null ? null : status.latestCheckpoint;
          default -> null;
        };
    String id = ref != null ? ref.id : checkpoint;
    // status may name a checkpoint the listing does not hold (yet, or any more): only committed
    // ones are taken
    return id != null && source.committed().contains(id) ? id : null;
  }

  private static String committed(List<String> ids) {
    if (ids.isEmpty()) {
      return "none";
    }
    List<String> newest = ids.subList(Math.max(0, ids.size() - 8), ids.size());
    return (ids.size() > newest.size() ? "…, " : "") + String.join(", ", newest);
  }

  /**
   * What would keep the source's parameters from loading into this run's network, or its checkpoint
   * from being read by this run's trainer. Initialization gains do not matter: the parameters
   * replace them.
   */
  private static List<Violation> mismatches(
      TrainingRunSpec spec, TrainingRunSpec source, String sourceName) {
    List<Violation> out = new ArrayList<>();
    ModelSpec mine = spec.model;
    ModelSpec theirs = source.model;
    String of = " but run " + sourceName + "'s (spec.initFrom.run) is ";
    String fix = "; a warm start needs the source's network shape";
    differs(out, "spec.model.architecture", mine.architecture, theirs.architecture, of, fix);
    differs(out, "spec.model.hiddenSizes", mine.hiddenSizes, theirs.hiddenSizes, of, fix);
    differs(out, "spec.model.sharedNetwork", mine.sharedNetwork, theirs.sharedNetwork, of, fix);
    if (mine.architecture == Architecture.LSTM && theirs.architecture == Architecture.LSTM) {
      differs(
          out, "spec.model.lstmHiddenSize", mine.lstmHiddenSize, theirs.lstmHiddenSize, of, fix);
    }
    if (mine.architecture == Architecture.MOE && theirs.architecture == Architecture.MOE) {
      differs(out, "spec.model.experts", mine.experts, theirs.experts, of, fix);
    }
    differs(
        out,
        "spec.environment.name",
        spec.environment.name,
        source.environment.name,
        of,
        "; a warm start needs the source's environment (its observations and actions)");
    differs(
        out,
        "spec.checkpoints.storage.bucket",
        spec.checkpoints.storage.bucket,
        source.checkpoints.storage.bucket,
        of,
        "; the trainer reads the source checkpoint from this run's bucket");
    differs(
        out,
        "spec.checkpoints.storage.endpoint",
        spec.checkpoints.storage.endpoint,
        source.checkpoints.storage.endpoint,
        of,
        "; the trainer reads the source checkpoint from this run's storage");
    return out;
  }

  private static void differs(
      List<Violation> out, String field, Object mine, Object theirs, String of, String fix) {
    if (!Objects.equals(mine, theirs)) {
      out.add(new Violation(field, "is " + text(mine) + of + text(theirs) + fix));
    }
  }

  private static String text(Object value) {
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(java.util.Locale.ROOT);
    }
    return value == null ? "unset" : value.toString();
  }

  private static Refused refused(String field, String message) {
    return new Refused(List.of(new Violation(field, message)));
  }
}

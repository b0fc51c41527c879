package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.StorageSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The committed checkpoints of a run, from their manifests: which is best, latest, last good, and
 * which were rejected. Checkpoints are ordered by (attempt, episode) — the order they were written
 * in — because after a rollback a newer attempt writes lower episode numbers than the diverged one.
 */
final class CheckpointCatalog {

  static final Comparator<CheckpointManifest> WRITTEN_ORDER =
      Comparator.comparingInt(CheckpointManifest::attempt)
          .thenComparingLong(CheckpointManifest::episode)
          .thenComparing(CheckpointManifest::id);

  private final RunContext run;
  private final List<CheckpointManifest> usable;
  private final Map<String, CheckpointManifest> byId = new LinkedHashMap<>();
  private final List<String> rejected;

  CheckpointCatalog(RunContext run, Observation observation) {
    this.run = run;
    TreeSet<String> rejectedIds = new TreeSet<>(observation.rejectedCheckpoints());
    List<CheckpointManifest> kept = new ArrayList<>();
    for (CheckpointManifest manifest : observation.checkpoints()) {
      if (manifest == null || !StorageLayout.isCheckpointId(manifest.id())) {
        continue;
      }
      if (rejectedIds.contains(manifest.id()) || byId.containsKey(manifest.id())) {
        continue;
      }
      byId.put(manifest.id(), manifest);
      kept.add(manifest);
    }
    kept.sort(WRITTEN_ORDER);
    this.usable = List.copyOf(kept);
    this.rejected = List.copyOf(rejectedIds);
  }

  /** Usable checkpoints in written order. */
  List<CheckpointManifest> all() {
    return usable;
  }

  boolean isEmpty() {
    return usable.isEmpty();
  }

  /** Ids the platform found unusable (no manifest, bad sha256), sorted. */
  List<String> rejected() {
    return rejected;
  }

  Optional<CheckpointManifest> byId(String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /** The newest written checkpoint. */
  Optional<CheckpointManifest> latest() {
    return usable.isEmpty() ? Optional.empty() : Optional.of(usable.get(usable.size() - 1));
  }

  /** The healthy checkpoint with the highest metric; on a tie the newer one (more training). */
  Optional<CheckpointManifest> best(RunMetric metric) {
    CheckpointManifest best = null;
    for (CheckpointManifest m : usable) {
      Double value = Signals.of(m, metric);
      if (Signals.healthy(m) && Signals.finite(value)) {
        if (best == null || value >= Signals.of(best, metric)) {
          best = m;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The newest healthy checkpoint whose metric was still at or above the divergence threshold (any
   * healthy one when no threshold is known yet): the last point before the run went bad.
   */
  Optional<CheckpointManifest> lastGood(RunMetric metric, Double threshold) {
    for (int i = usable.size() - 1; i >= 0; i--) {
      CheckpointManifest m = usable.get(i);
      Double value = Signals.of(m, metric);
      if (Signals.healthy(m)
          && (threshold == null || (Signals.finite(value) && value >= threshold))) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * Where the current line of training stands: the newest checkpoint written by the current attempt
   * or a later one, else the checkpoint the current attempt started from. Never a newer checkpoint
   * of a branch that was rolled back from.
   */
  Optional<CheckpointManifest> newestOfLine(AttemptStatus current) {
    if (current == null || current.number == null) {
      return latest();
    }
    for (int i = usable.size() - 1; i >= 0; i--) {
      if (usable.get(i).attempt() >= current.number) {
        return Optional.of(usable.get(i));
      }
    }
    return byId(current.resumeFrom);
  }

  /** Whether the attempt committed at least one checkpoint. */
  boolean hasCheckpointOf(int attempt) {
    return usable.stream().anyMatch(m -> m.attempt() == attempt);
  }

  /** The s3:// URI of a checkpoint's folder. */
  String uri(String id) {
    StorageSpec storage = run.spec().checkpoints.storage;
    return StorageLayout.uri(
        storage.bucket,
        StorageLayout.checkpointFolder(storage.prefix, run.namespace(), run.name(), id));
  }

  /** The status reference to a checkpoint. */
  CheckpointRef ref(CheckpointManifest manifest) {
    CheckpointRef ref = new CheckpointRef();
    ref.id = manifest.id();
    ref.episode = manifest.episode();
    ref.phase = manifest.phase();
    ref.scoreMean = Signals.of(manifest, RunMetric.SCORE_MEAN);
    ref.uri = uri(manifest.id());
    return ref;
  }
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.BestCheckpointSpec;
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

  /**
   * The catalog of what the platform listed, less the checkpoints a trainer refused to resume from
   * (they passed the listing's checks but not the trainer's sha256 or shape checks).
   */
  CheckpointCatalog(RunContext run, Observation observation, List<String> refused) {
    this.run = run;
    TreeSet<String> rejectedIds = new TreeSet<>(observation.rejectedCheckpoints());
    rejectedIds.addAll(refused);
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

  private CheckpointCatalog(
      RunContext run, List<CheckpointManifest> usable, List<String> rejected) {
    this.run = run;
    this.usable = usable;
    this.rejected = rejected;
    usable.forEach(m -> byId.put(m.id(), m));
  }

  /**
   * The line of training that led to the current attempt's {@code episode}, as a catalog: the
   * attempt's checkpoints up to that episode, then, back through the checkpoint each attempt
   * started from, each earlier attempt's checkpoints up to where the line left it. Branches that
   * were rolled back from, or that trained on past a gate before the next phase started from an
   * earlier checkpoint, are not on it; and a decision about an episode read late does not see
   * checkpoints written after it.
   */
  CheckpointCatalog line(AttemptStatus current, long episode) {
    if (current == null || current.number == null) {
      return this;
    }
    List<CheckpointManifest> kept = new ArrayList<>();
    int attempt = current.number;
    long upTo = episode;
    String from = current.resumeFrom;
    while (true) {
      int a = attempt;
      long e = upTo;
      usable.stream().filter(m -> m.attempt() == a && m.episode() <= e).forEach(kept::add);
      if (from == null) {
        break; // the line started afresh here
      }
      CheckpointManifest start = byId.get(from);
      if (start == null || start.attempt() >= attempt) {
        // the start is no longer listed: keep what earlier attempts wrote up to that point
        usable.stream().filter(m -> m.attempt() < a && m.episode() <= e).forEach(kept::add);
        break;
      }
      attempt = start.attempt();
      upTo = start.episode();
      from = start.startedFrom();
    }
    kept.sort(WRITTEN_ORDER);
    return new CheckpointCatalog(run, List.copyOf(kept), rejected);
  }

  /** This catalog less the checkpoints {@code attempt} committed after {@code episode}. */
  CheckpointCatalog withoutAfter(int attempt, long episode) {
    return new CheckpointCatalog(
        run,
        usable.stream().filter(m -> m.attempt() != attempt || m.episode() <= episode).toList(),
        rejected);
  }

  /** The first checkpoint {@code attempt} committed at or after {@code episode}. */
  Optional<CheckpointManifest> firstOf(int attempt, long episode) {
    return usable.stream()
        .filter(m -> m.attempt() == attempt && m.episode() >= episode)
        .findFirst();
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
  Optional<CheckpointManifest> best(BestCheckpointSpec spec) {
    RunMetric metric = spec.metric.runMetric();
    // Ranked as the trainer wrote the best ones: the metric over checkpoints.best.window. Only
    // manifests without that ranking (written before the window filled, or by an older trainer)
    // fall back to the metric of their divergence window.
    // An evaluation metric ranks the evaluated checkpoints only, by their own evaluation.
    boolean ranked =
        !metric.fromEvaluation()
            && usable.stream()
                .anyMatch(m -> Signals.healthy(m) && rankedBy(m, metric, spec.window));
    CheckpointManifest best = null;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (CheckpointManifest m : usable) {
      Double value =
          ranked
              ? (rankedBy(m, metric, spec.window) ? m.ranking().value() : null)
              : Signals.of(m, metric);
      if (Signals.healthy(m) && Signals.finite(value) && value >= bestValue) {
        best = m;
        bestValue = value;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean rankedBy(CheckpointManifest m, RunMetric metric, int window) {
    return m.ranking() != null
        && m.ranking().metric() == metric
        && m.ranking().window() == window
        && Double.isFinite(m.ranking().value());
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
   * or a later one, else the checkpoint the current attempt started from (or the one before it on
   * the line when that one is gone or refused). Never a newer checkpoint of a branch that was
   * rolled back from.
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
    // the attempt wrote nothing: where it started, or, when that checkpoint is gone or was
    // refused, the one before it on the line
    long start = current.startEpisode == null ? Long.MAX_VALUE : current.startEpisode;
    return line(current, start).latest();
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
    if (manifest.ranking() != null && Double.isFinite(manifest.ranking().value())) {
      ref.rankValue = manifest.ranking().value();
    }
    ref.evalScoreMean = Signals.of(manifest, RunMetric.EVAL_SCORE_MEAN);
    ref.evalSuccessRate = Signals.of(manifest, RunMetric.EVAL_SUCCESS_RATE);
    ref.uri = uri(manifest.id());
    return ref;
  }
}

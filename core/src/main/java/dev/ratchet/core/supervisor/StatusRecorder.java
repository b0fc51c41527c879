package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunMetricsStatus;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes what was observed and decided into status: metrics, checkpoint references, history (newest
 * {@value TrainingRunStatus#HISTORY_LIMIT} entries), conditions and the ETA.
 */
final class StatusRecorder {

  static final String READY = "Ready";
  static final String PROGRESSING = "Progressing";
  static final String DIVERGED = "Diverged";
  static final String DEGRADED = "Degraded";
  static final String ROUTER_HEALTHY = "RouterHealthy";
  static final String STORAGE_AVAILABLE = "StorageAvailable";

  /** How status.message begins while the run waits for its storage. */
  static final String WAITING_FOR_STORAGE = "Waiting for the run's storage: ";

  /** Most rejected checkpoint ids remembered, so status stays small. */
  static final int REJECTED_LIMIT = 20;

  /** At most this many checkpoint events per listing (a first listing may find many). */
  static final int ANNOUNCE_LIMIT = 10;

  private final DivergencePolicy divergence;

  StatusRecorder(DivergencePolicy divergence) {
    this.divergence = divergence;
  }

  /** Appends a history entry, dropping the oldest beyond the limit. */
  void history(Turn t, HistoryType type, String from, String to, Long episode, String reason) {
    HistoryEntry e = new HistoryEntry();
    e.time = t.time();
    e.type = type;
    e.from = from;
    e.to = to;
    e.episode = episode;
    e.reason = reason;
    List<HistoryEntry> history = t.status.history;
    history.add(e);
    while (history.size() > TrainingRunStatus.HISTORY_LIMIT) {
      history.remove(0);
    }
  }

  /** Metrics, episode and steps from the current attempt's report. */
  void recordProgress(Turn t) {
    ProgressReport p = t.currentProgress();
    if (p == null) {
      return;
    }
    RunMetricsStatus m = new RunMetricsStatus();
    m.scoreMean = p.scoreMean();
    m.scoreStd = p.scoreStd();
    m.rewardMean = p.rewardMean();
    m.successRate = p.successRate();
    m.alphaEntropy = p.alphaEntropy();
    m.episodesPerMinute = p.episodesPerMinute();
    m.gradNorm = p.gradNorm();
    t.status.metrics = m;
    t.status.episode = p.episode();
    t.status.envSteps = p.envSteps();
  }

  /**
   * Best, latest and last-good references from the catalog, an event for a newly committed
   * checkpoint, and a report of newly rejected ones.
   */
  void recordCheckpoints(Turn t) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    CheckpointCatalog catalog = t.catalog;
    // an empty listing may be a storage hiccup: keep the references we had
    if (!catalog.isEmpty()) {
      CheckpointManifest latest = catalog.latest().orElseThrow();
      announceCommitted(t, catalog, s.latestCheckpoint);
      s.latestCheckpoint = catalog.ref(latest);
      rankBest(t);
      Double threshold =
          t.spec.divergence.enabled ? divergence.threshold(t.spec.divergence, w) : null;
      s.lastGoodCheckpoint =
          catalog
              .lastGood(t.spec.divergence.metric, threshold)
              .map(catalog::ref)
              .orElse(s.lastGoodCheckpoint);
    }
    List<String> rejected = catalog.rejected();
    List<String> fresh =
        rejected.stream()
            .filter(id -> !w.rejectedCheckpoints.contains(id))
            .filter(id -> !w.refusedCheckpoints.contains(id)) // announced when it was refused
            .toList();
    if (!fresh.isEmpty()) {
      t.event(
          EventType.CHECKPOINT_REJECTED,
          "Ignoring checkpoint(s) "
              + String.join(", ", fresh)
              + ": no manifest.json or a sha256 mismatch; they are never resumed from.");
    }
    w.rejectedCheckpoints =
        new ArrayList<>(
            rejected.subList(Math.max(0, rejected.size() - REJECTED_LIMIT), rejected.size()));
  }

  /**
   * One event per checkpoint committed since the last listing, in the order they were written
   * (announcing only the newest hid the ones committed between two reads, the best among them).
   */
  private static void announceCommitted(Turn t, CheckpointCatalog catalog, CheckpointRef before) {
    List<CheckpointManifest> all = catalog.all();
    int from = 0;
    if (before != null) {
      List<String> ids = all.stream().map(CheckpointManifest::id).toList();
      int i = ids.lastIndexOf(before.id);
      from = i >= 0 ? i + 1 : all.size() - 1; // the previous latest is gone: the newest is new
    }
    List<CheckpointManifest> fresh =
        all.subList(Math.max(from, all.size() - ANNOUNCE_LIMIT), all.size());
    for (CheckpointManifest m : fresh) {
      t.event(
          EventType.CHECKPOINT_COMMITTED,
          "Checkpoint "
              + m.id()
              + " ("
              + m.kind()
              + ") committed at episode "
              + m.episode()
              + " in phase "
              + m.phase()
              + ".");
    }
  }

  /**
   * The best checkpoint. Once the run has ended, checkpoints its last attempt committed after the
   * end episode (while it stopped) are not ranked, so the best named when it ended stays the best
   * unless a checkpoint from before the end is listed late; the message then names the new one.
   */
  void rankBest(Turn t) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    CheckpointCatalog catalog = t.catalog;
    if (s.state.isFinal() && w.endEpisode != null && s.currentAttempt != null) {
      catalog = catalog.withoutAfter(s.currentAttempt.number, w.endEpisode);
    }
    s.bestCheckpoint =
        catalog.best(t.spec.checkpoints.best).map(catalog::ref).orElse(s.bestCheckpoint);
    if (s.state.isFinal() && w.endReason != null) {
      s.message = endMessage(w.endReason, s.bestCheckpoint);
    }
  }

  /** The run ended at {@code episode} for {@code why}: the message names the best checkpoint. */
  void ended(Turn t, String why, long episode) {
    WatchStatus w = t.watch();
    w.endEpisode = episode;
    w.endReason = why;
    rankBest(t); // the run is final now: this also writes the message
  }

  private static String endMessage(String why, CheckpointRef best) {
    return why + ". The best checkpoint is " + where(best) + ".";
  }

  /** The checkpoints cannot be listed: says so once, and why in the message while it lasts. */
  void storageUnavailable(Turn t) {
    TrainingRunStatus s = t.status;
    String problem = t.observation.storageProblem();
    Condition c = findCondition(t, STORAGE_AVAILABLE);
    if (c == null || !"False".equals(c.getStatus())) {
      t.event(
          EventType.STORAGE_UNAVAILABLE,
          "cannot list the run's checkpoints, deciding nothing until storage answers: " + problem);
    }
    if (!s.state.isFinal()) {
      s.message = WAITING_FOR_STORAGE + problem;
    }
  }

  /** The checkpoints could be listed: ends a wait for storage, saying how long it lasted. */
  void storageAvailable(Turn t) {
    Condition c = findCondition(t, STORAGE_AVAILABLE);
    if (c != null && "False".equals(c.getStatus())) {
      String since = c.getLastTransitionTime();
      String after =
          since == null
              ? ""
              : " after " + Duration.between(Instant.parse(since), t.now).toSeconds() + " s";
      t.event(EventType.STORAGE_BACK, "storage answers again" + after);
      if (t.status.message != null && t.status.message.startsWith(WAITING_FOR_STORAGE)) {
        t.status.message = "Storage answers again" + after + ".";
      }
    }
  }

  private static Condition findCondition(Turn t, String type) {
    return t.status.conditions.stream()
        .filter(x -> type.equals(x.getType()))
        .findFirst()
        .orElse(null);
  }

  /** Conditions and the ETA, once the decision is made. */
  void finish(Turn t) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    RunState state = s.state;
    ProgressReport p = t.currentProgress();
    if (w.divergedReason != null
        && p != null
        && w.cooldownUntilEpisode != null
        && p.episode() >= w.cooldownUntilEpisode
        && state == RunState.RUNNING) {
      w.divergedReason = null; // the rolled-back attempt trained through its cooldown
    }
    eta(t, p);

    String stateName = stateName(state);
    boolean failed = state == RunState.FAILED;
    condition(t, READY, !failed && state != RunState.PENDING, stateName, s.message);
    boolean progressing =
        state == RunState.RUNNING
            || state == RunState.TRANSITIONING
            || state == RunState.ROLLING_BACK
            || state == RunState.PENDING;
    condition(
        t,
        PROGRESSING,
        progressing,
        progressing ? "Training" : stateName,
        progressing
            ? "Attempt " + s.attempt + " trains phase " + s.phase + "."
            : "No attempt is training: the run is " + stateName + ".");
    if (w.divergedReason != null) {
      condition(
          t, DIVERGED, true, "DivergenceDetected", "Training diverged: " + w.divergedReason + ".");
    } else {
      condition(t, DIVERGED, false, "NoDivergence", "No divergence detected.");
    }
    if (t.spec.model.architecture == Architecture.MOE) {
      routerCondition(t, w);
    }
    int crashes = w.consecutiveCrashes == null ? 0 : w.consecutiveCrashes;
    if (failed) {
      condition(t, DEGRADED, true, "Failed", s.message);
    } else if (crashes > 0) {
      condition(
          t,
          DEGRADED,
          true,
          "TrainerCrashing",
          crashes + " crash(es) in a row: " + String.join("; ", w.crashes) + ".");
    } else if (!w.rejectedCheckpoints.isEmpty()) {
      condition(
          t,
          DEGRADED,
          true,
          "CheckpointsRejected",
          "Checkpoints without a valid manifest are ignored: "
              + String.join(", ", w.rejectedCheckpoints)
              + ".");
    } else {
      condition(t, DEGRADED, false, "Healthy", "Trainer and checkpoints are healthy.");
    }
    String storageProblem = t.observation.storageProblem();
    if (storageProblem != null) {
      condition(t, STORAGE_AVAILABLE, false, "Unavailable", storageProblem);
    } else {
      condition(t, STORAGE_AVAILABLE, true, "Available", "The run's checkpoints can be listed.");
    }
  }

  private static void routerCondition(Turn t, WatchStatus w) {
    List<String> problems = new ArrayList<>();
    if (w.routingStuck != null) {
      problems.add("Routing stuck: " + w.routingStuck + ".");
    }
    if (w.deadExperts != null) {
      problems.add("Dead experts: " + w.deadExperts + ".");
    }
    if (problems.isEmpty()) {
      condition(
          t, ROUTER_HEALTHY, true, "Healthy", "Routing is not stuck and every expert is in use.");
    } else {
      String reason = w.routingStuck != null ? "RoutingStuck" : "DeadExperts";
      condition(t, ROUTER_HEALTHY, false, reason, String.join(" ", problems));
    }
  }

  private static void eta(Turn t, ProgressReport p) {
    TrainingRunStatus s = t.status;
    if (s.state != null && (s.state.isFinal() || s.state == RunState.SUSPENDED)) {
      s.estimatedCompletionTime = null; // nothing trains towards an end
      return;
    }
    if (p == null || p.episodesPerMinute() == null || !(p.episodesPerMinute() > 0)) {
      return; // keep the last estimate until a rate is reported again
    }
    Long end = t.spec.phases.get(t.spec.phases.size() - 1).until.episode;
    long remaining = Math.max(0, (end == null ? p.episode() : end) - p.episode());
    long seconds = (long) Math.ceil(remaining * 60.0 / p.episodesPerMinute());
    s.estimatedCompletionTime = t.now.plus(Duration.ofSeconds(seconds)).toString();
  }

  private static void condition(Turn t, String type, boolean value, String reason, String message) {
    String status = value ? "True" : "False";
    Condition c = findCondition(t, type);
    if (c == null) {
      c = new Condition();
      c.setType(type);
      t.status.conditions.add(c);
    }
    if (!status.equals(c.getStatus())) {
      c.setLastTransitionTime(t.time());
    }
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(Objects.requireNonNullElse(message, ""));
    c.setObservedGeneration(t.run.generation());
  }

  static String stateName(RunState state) {
    if (state == null) {
      return "Pending";
    }
    return state.label();
  }

  /** "ep-… (scoreMean 0.21) at s3://…", for messages that point people to a checkpoint. */
  static String where(CheckpointRef ref) {
    if (ref == null) {
      return "no checkpoint was committed";
    }
    String score = ref.scoreMean == null ? "" : "scoreMean " + Signals.fmt(ref.scoreMean);
    // the ranking window may be shorter than the metrics window: show what made it best too
    String rank =
        ref.rankValue == null || (ref.scoreMean != null && ref.rankValue.equals(ref.scoreMean))
            ? ""
            : Signals.fmt(ref.rankValue) + " over checkpoints.best.window";
    String figures = score.isEmpty() || rank.isEmpty() ? score + rank : score + "; " + rank;
    return ref.id + (figures.isEmpty() ? "" : " (" + figures + ")") + " at " + ref.uri;
  }
}

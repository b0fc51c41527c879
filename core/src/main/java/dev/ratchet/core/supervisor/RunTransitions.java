package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.AttemptReason;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.DivergenceSpec;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.HyperparameterScale;
import dev.ratchet.api.v1alpha1.NonFiniteAction;
import dev.ratchet.api.v1alpha1.PlannedAttemptStatus;
import dev.ratchet.api.v1alpha1.RollbackTarget;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import dev.ratchet.core.validation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Turns what the supervisor concluded (diverged, a gate held, the attempt ended or crashed, the
 * user asked for a rollback or a suspend) into status, history, events and the next attempt.
 */
final class RunTransitions {

  private final PhasePolicy phases;
  private final DivergencePolicy divergence;
  private final RestartPolicy restarts;
  private final StatusRecorder recorder;
  private final AttemptLauncher launcher;
  private final SuspendWording suspendWording;

  RunTransitions(
      PhasePolicy phases,
      DivergencePolicy divergence,
      RestartPolicy restarts,
      StatusRecorder recorder,
      AttemptLauncher launcher,
      SuspendWording suspendWording) {
    this.suspendWording = suspendWording;
    this.phases = phases;
    this.divergence = divergence;
    this.restarts = restarts;
    this.recorder = recorder;
    this.launcher = launcher;
  }

  void diverged(Turn t, DivergencePolicy.Verdict verdict, long episode) {
    TrainingRunStatus s = t.status;
    DivergenceSpec spec = t.spec.divergence;
    WatchStatus w = t.watch();
    w.divergedReason = verdict.reason();
    t.event(EventType.DIVERGENCE_DETECTED, "Training diverged: " + verdict.reason() + ".");
    if (verdict.kind() == DivergencePolicy.Kind.NON_FINITE
        && spec.onNonFinite == NonFiniteAction.FAIL) {
      fail(t, "Training diverged: " + verdict.reason() + " and divergence.onNonFinite is fail.");
      return;
    }
    if (t.rollbacks() >= spec.maxRollbacks) {
      fail(
          t,
          "Training diverged again ("
              + verdict.reason()
              + ") and the limit of divergence.maxRollbacks = "
              + spec.maxRollbacks
              + " automatic rollbacks is reached. The best checkpoint is "
              + StatusRecorder.where(s.bestCheckpoint)
              + ".");
      return;
    }
    Double threshold = divergence.threshold(spec, w);
    // the line of training up to the diverging episode, however late that episode was read
    CheckpointCatalog then = t.catalog.line(s.currentAttempt, episode);
    Optional<CheckpointManifest> best = then.best(t.spec.checkpoints.best);
    Optional<CheckpointManifest> lastGood = then.lastGood(spec.metric, threshold);
    Optional<CheckpointManifest> target =
        spec.action.rollbackTo == RollbackTarget.BEST
            ? best.or(() -> lastGood)
            : lastGood.or(() -> best);

    HyperparameterScale scale = s.hyperparameterScale;
    scale.learningRate = scale.learningRate * spec.action.learningRateFactor;
    scale.clipRange = scale.clipRange * spec.action.clipRangeFactor;
    s.rollbacks = t.rollbacks() + 1;
    long targetEpisode = target.map(CheckpointManifest::episode).orElse(0L);
    w.cooldownUntilEpisode = targetEpisode + spec.cooldownEpisodes;

    String to = target.map(CheckpointManifest::id).orElse("scratch");
    String reason =
        verdict.reason()
            + "; rolled back to "
            + (target.isPresent()
                ? (spec.action.rollbackTo == RollbackTarget.BEST ? "the best" : "the last good")
                    + " checkpoint "
                    + to
                : "a fresh start (no checkpoint yet)")
            + ", learning rate ×"
            + Signals.fmt(spec.action.learningRateFactor)
            + " (now ×"
            + Signals.fmt(scale.learningRate)
            + "), clip range ×"
            + Signals.fmt(spec.action.clipRangeFactor)
            + " (now ×"
            + Signals.fmt(scale.clipRange)
            + "); rollback "
            + s.rollbacks
            + " of "
            + spec.maxRollbacks;
    recorder.history(t, HistoryType.ROLLBACK, "episode " + episode, to, episode, reason);
    t.event(EventType.ROLLED_BACK, "Rolled back: " + reason + ".");
    int phaseIndex = target.map(m -> AttemptLauncher.phaseOf(t, m)).orElse(0);
    launcher.plan(
        t,
        AttemptReason.ROLLBACK,
        phaseIndex,
        target.isPresent() ? to : PlannedAttemptStatus.SCRATCH,
        t.now,
        "training diverged: " + verdict.reason(),
        false);
    s.state = RunState.ROLLING_BACK;
    launcher.carryOut(t);
  }

  void manualRollback(Turn t) {
    TrainingRunStatus s = t.status;
    String nonce = t.spec.rollback.nonce;
    String to = t.spec.rollback.to == null ? "best" : t.spec.rollback.to;
    // the nonce is answered exactly once, whether the rollback can be done or not
    s.observedRollbackNonce = nonce;
    Optional<CheckpointManifest> target =
        "best".equals(to) ? t.catalog.best(t.spec.checkpoints.best) : t.catalog.byId(to);
    if (target.isEmpty()) {
      String known =
          t.catalog.all().stream()
              .map(CheckpointManifest::id)
              .collect(Collectors.collectingAndThen(Collectors.toList(), this::newestFew));
      s.message =
          "Manual rollback (nonce "
              + nonce
              + ") to "
              + to
              + " not done: "
              + ("best".equals(to)
                  ? "no committed checkpoint has a "
                      + t.spec.checkpoints.best.metric.runMetric().key()
                      + " yet"
                  : "there is no committed checkpoint with that id")
              + "; the run goes on unchanged. Committed checkpoints: "
              + known
              + ". Set spec.rollback.to and a new nonce to try again.";
      t.event(EventType.MANUAL_ROLLBACK_REJECTED, s.message);
      return;
    }
    CheckpointManifest m = target.get();
    Long episode = s.episode;
    String reason =
        "spec.rollback.nonce changed to \""
            + nonce
            + "\": rolled back to "
            + ("best".equals(to) ? "the best checkpoint " : "checkpoint ")
            + m.id()
            + " (episode "
            + m.episode()
            + ", phase "
            + m.phase()
            + ")";
    recorder.history(t, HistoryType.MANUAL_ROLLBACK, "episode " + episode, m.id(), episode, reason);
    t.event(EventType.MANUAL_ROLLBACK, "Manual rollback: " + reason + ".");
    // the drop that made the user roll back must not trigger an automatic rollback right away
    t.watch().cooldownUntilEpisode = m.episode() + t.spec.divergence.cooldownEpisodes;
    launcher.plan(
        t,
        AttemptReason.MANUAL_ROLLBACK,
        AttemptLauncher.phaseOf(t, m),
        m.id(),
        t.now,
        "manual rollback",
        false);
    s.state = RunState.ROLLING_BACK;
    launcher.carryOut(t);
  }

  private String newestFew(List<String> ids) {
    if (ids.isEmpty()) {
      return "none";
    }
    List<String> few = ids.subList(Math.max(0, ids.size() - 5), ids.size());
    return (ids.size() > few.size() ? "…, " : "") + String.join(", ", few);
  }

  void metricGateHeld(Turn t, String why, long episode) {
    TrainingRunStatus s = t.status;
    int i = s.currentAttempt.phaseIndex;
    if (i == t.spec.phases.size() - 1) {
      t.stopIfActive("the last phase's gate held: " + why, true);
      succeed(
          t, "The last phase " + s.phase + " ended at episode " + episode + ": " + why, episode);
      return;
    }
    String reason = "phase " + s.phase + " ended at episode " + episode + ": " + why;
    recorder.history(t, HistoryType.PHASE_TRANSITION, s.phase, t.phaseName(i + 1), episode, reason);
    t.event(
        EventType.PHASE_TRANSITION,
        "Phase " + s.phase + " → " + t.phaseName(i + 1) + ": " + reason + ".");
    // The next phase starts from the first checkpoint at or after the gate's episode; when the
    // trainer has written none since, the preempt checkpoint it writes on stopping is that one.
    String from =
        t.catalog
            .firstOf(s.currentAttempt.number, episode)
            .map(CheckpointManifest::id)
            .orElse(PlannedAttemptStatus.LATEST);
    boolean preempt = PlannedAttemptStatus.LATEST.equals(from);
    launcher.plan(t, AttemptReason.PHASE_TRANSITION, i + 1, from, t.now, reason, preempt);
    s.state = RunState.TRANSITIONING;
    launcher.carryOut(t);
  }

  void attemptFinished(Turn t) {
    TrainingRunStatus s = t.status;
    AttemptStatus a = s.currentAttempt;
    int i = a.phaseIndex;
    long episode = a.untilEpisode;
    s.episode = Math.max(s.episode == null ? 0 : s.episode, episode);
    OptionalInt next = phases.nextPhase(t.spec, i, episode);
    if (next.isEmpty()) {
      t.catalog.newestOfLine(a).ifPresent(m -> addPhaseEnd(t, m.id()));
      succeed(t, "All phases finished at episode " + episode, episode);
      return;
    }
    int j = next.getAsInt();
    String reason = "phase " + t.phaseName(i) + " reached its episode count " + episode;
    recorder.history(
        t, HistoryType.PHASE_TRANSITION, t.phaseName(i), t.phaseName(j), episode, reason);
    t.event(
        EventType.PHASE_TRANSITION,
        "Phase " + t.phaseName(i) + " → " + t.phaseName(j) + ": " + reason + ".");
    launcher.plan(
        t, AttemptReason.PHASE_TRANSITION, j, PlannedAttemptStatus.LATEST, t.now, reason, false);
    s.state = RunState.TRANSITIONING;
    launcher.carryOut(t);
  }

  void crashed(Turn t, TrainerObservation trainer) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    AttemptStatus a = s.currentAttempt;
    Integer code = trainer == null ? null : trainer.exitCode();
    String why = trainer == null || trainer.reason() == null ? "no reason given" : trainer.reason();
    if (code != null && code == TrainerExitCodes.BAD_CONFIG) {
      // Restarting a trainer with the same config cannot help: say so at once.
      fail(
          t,
          "The trainer of attempt "
              + a.number
              + " refused its config (exit code 2): "
              + why
              + ". Fix the spec and apply it as a new run; the latest checkpoint is "
              + StatusRecorder.where(s.latestCheckpoint)
              + ".");
      return;
    }
    if (code != null
        && code == TrainerExitCodes.REFUSED_CHECKPOINT
        && a.resumeFrom == null
        && t.spec.initFrom != null) {
      // The warm start's checkpoint does not load; another attempt would load the same one.
      fail(
          t,
          "The trainer of attempt "
              + a.number
              + " refused the warm start's checkpoint (exit code 4): "
              + why
              + ". Point spec.initFrom at a committed checkpoint of a run with the same"
              + " spec.model and environment, or remove spec.initFrom.");
      return;
    }
    if (code != null
        && code == TrainerExitCodes.REFUSED_CHECKPOINT
        && a.resumeFrom != null
        && !w.refusedCheckpoints.contains(a.resumeFrom)) {
      w.refusedCheckpoints.add(a.resumeFrom);
      t.event(
          EventType.CHECKPOINT_REJECTED,
          "Checkpoint "
              + a.resumeFrom
              + " was refused by the trainer of attempt "
              + a.number
              + " ("
              + why
              + "): it is kept but never resumed from again; the next attempt starts from the"
              + " checkpoint before it.");
    }
    restart(t, restarts.describe(a.number, trainer), restarts.exitCode(trainer), null);
  }

  /**
   * A running trainer that finished no episode (or could not be read) for the stall timeout: it is
   * stopped without a preempt checkpoint (it would not write one) and restarted like a crash.
   */
  void stalled(Turn t, Duration quiet) {
    AttemptStatus a = t.status.currentAttempt;
    WatchStatus w = t.watch();
    String what =
        "attempt "
            + a.number
            + " finished no episode for "
            + quiet.toSeconds()
            + " s (the last reported was episode "
            + (w.progressEpisode == null ? "none" : w.progressEpisode)
            + "; trainer.stallTimeoutSeconds = "
            + t.spec.trainer.stallTimeoutSeconds
            + ")";
    t.event(EventType.STALLED, "Stalled: " + what + "; it is killed and restarted.");
    restart(t, what, "stalled", "stalled for " + quiet.toSeconds() + " s");
  }

  private void restart(Turn t, String what, String exitCode, String stopReason) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    AttemptStatus a = s.currentAttempt;
    if (t.catalog.hasCheckpointOf(a.number)) {
      w.consecutiveCrashes = 0; // it moved the run forward: a new series of crashes begins
      w.crashes.clear();
    }
    int crashes = (w.consecutiveCrashes == null ? 0 : w.consecutiveCrashes) + 1;
    w.consecutiveCrashes = crashes;
    w.crashes.add("attempt " + a.number + ": " + exitCode);
    int max = t.spec.trainer.maxRestarts;
    if (restarts.exhausted(crashes, max)) {
      fail(
          t,
          "The trainer crashed "
              + crashes
              + " times in a row, more than trainer.maxRestarts = "
              + max
              + " allows ("
              + String.join("; ", w.crashes)
              + "). The latest checkpoint is "
              + StatusRecorder.where(s.latestCheckpoint)
              + ".");
      return;
    }
    s.restarts = (s.restarts == null ? 0 : s.restarts) + 1;
    Instant notBefore =
        t.now.plus(
            restarts.backoff(crashes, Duration.ofSeconds(t.spec.trainer.restartBackoffSeconds)));
    String reason =
        what
            + "; restart "
            + crashes
            + " of "
            + max
            + " in a row from the latest checkpoint at "
            + notBefore;
    recorder.history(
        t,
        HistoryType.RESTART,
        "attempt " + a.number,
        "attempt " + (a.number + 1),
        s.episode,
        reason);
    t.event(EventType.RESTARTED, "Restarting: " + reason + ".");
    launcher.plan(
        t,
        AttemptReason.RESTART,
        a.phaseIndex,
        PlannedAttemptStatus.LATEST,
        notBefore,
        stopReason,
        false);
    s.state = RunState.PENDING;
    launcher.carryOut(t);
  }

  void suspend(Turn t) {
    TrainingRunStatus s = t.status;
    if (s.state != RunState.SUSPENDED) {
      recorder.history(
          t, HistoryType.SUSPEND, s.phase, null, s.episode, suspendWording.suspendedBecause());
      t.event(
          EventType.SUSPENDED,
          "The trainer writes a preempt checkpoint and stops ("
              + suspendWording.suspendedBecause()
              + ").");
      s.state = RunState.SUSPENDED;
      s.message =
          "Suspended ("
              + suspendWording.suspendedBecause()
              + "); "
              + suspendWording.howToResume()
              + ".";
    }
    t.stopIfActive("the run is suspended", true);
  }

  void resume(Turn t) {
    TrainingRunStatus s = t.status;
    recorder.history(
        t, HistoryType.RESUME, null, s.phase, s.episode, suspendWording.resumedBecause());
    t.event(EventType.RESUMED, "Resumed from the latest checkpoint.");
    s.state = RunState.PENDING;
    if (s.nextAttempt == null && s.attempt != null) {
      launcher.plan(
          t,
          AttemptReason.RESUME,
          s.phaseIndex == null ? 0 : s.phaseIndex,
          PlannedAttemptStatus.LATEST,
          t.now,
          "the run resumes",
          true);
    }
  }

  /**
   * A {@code Succeeded} run whose spec now has a phase after the one it ended in trains on into it,
   * from the checkpoint it ended with: the first one its last attempt committed at or after the end
   * episode (the phase-end checkpoint when the phase ended by count), else the newest of its line.
   */
  void extend(Turn t, int next) {
    TrainingRunStatus s = t.status;
    AttemptStatus a = s.currentAttempt;
    long end = PhasePolicy.endEpisode(s);
    String from =
        t.catalog
            .firstOf(a.number, end)
            .or(() -> t.catalog.newestOfLine(a))
            .map(CheckpointManifest::id)
            .orElse(null);
    String ended = t.phaseName(a.phaseIndex);
    if (from == null) {
      s.message =
          "The run ended in phase "
              + ended
              + " with no committed checkpoint to extend from; phase "
              + t.phaseName(next)
              + " is not trained. Apply it as a new run.";
      return;
    }
    String reason =
        "spec.phases has phase "
            + t.phaseName(next)
            + " after "
            + ended
            + ", where the run ended at episode "
            + end
            + ": extended from "
            + from;
    recorder.history(t, HistoryType.EXTENSION, ended, t.phaseName(next), end, reason);
    t.event(EventType.EXTENDED, "Run extended: " + reason + ".");
    WatchStatus w = t.watch();
    w.endEpisode = null;
    w.endReason = null;
    s.completionTime = null;
    launcher.plan(t, AttemptReason.EXTENSION, next, from, t.now, reason, false);
    s.state = RunState.TRANSITIONING;
    launcher.carryOut(t);
  }

  void earlyStop(Turn t, String why, long episode) {
    TrainingRunStatus s = t.status;
    t.stopIfActive("early stopping: " + why, false);
    recorder.history(t, HistoryType.EARLY_STOP, s.phase, null, episode, why);
    s.state = RunState.EARLY_STOPPED;
    s.completionTime = t.time();
    s.nextAttempt = null;
    recorder.ended(t, "Early stopped at episode " + episode + ": " + why, episode);
    t.event(EventType.EARLY_STOPPED, s.message);
  }

  private void succeed(Turn t, String why, long episode) {
    TrainingRunStatus s = t.status;
    s.state = RunState.SUCCEEDED;
    s.completionTime = t.time();
    s.nextAttempt = null;
    recorder.ended(t, why, episode);
    t.event(EventType.SUCCEEDED, s.message);
  }

  private void fail(Turn t, String message) {
    TrainingRunStatus s = t.status;
    t.stopIfActive("the run failed", false);
    recorder.history(t, HistoryType.FAILURE, s.phase, null, s.episode, message);
    s.state = RunState.FAILED;
    s.completionTime = t.time();
    s.nextAttempt = null;
    s.message = message;
    t.event(EventType.FAILED, message);
  }

  void invalidSpec(Turn t, List<Violation> violations) {
    TrainingRunStatus s = t.status;
    String message =
        "The spec is invalid: "
            + violations.stream().map(Violation::toString).collect(Collectors.joining("; "))
            + ".";
    t.stopIfActive("the spec is invalid", true);
    if (s.state != RunState.FAILED || !message.equals(s.message)) {
      recorder.history(t, HistoryType.FAILURE, s.phase, null, s.episode, message);
      t.event(EventType.FAILED, message);
    }
    s.state = RunState.FAILED;
    s.message = message;
    if (s.completionTime == null) {
      s.completionTime = t.time();
    }
  }

  private void addPhaseEnd(Turn t, String id) {
    if (!t.watch().phaseEndCheckpoints.contains(id)) {
      t.watch().phaseEndCheckpoints.add(id);
    }
  }
}

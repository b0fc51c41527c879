package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.api.v1alpha1.AttemptReason;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.PlannedAttemptStatus;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Plans the next attempt and carries the plan out: stop the current trainer, wait until it has
 * ended (never two trainers at once) and any backoff has passed, then start the next one. The plan
 * lives in status.nextAttempt, so a restarted operator finishes it instead of deciding again.
 */
final class AttemptLauncher {

  private final PhasePolicy phases;
  private final TrainerConfigResolver resolver;

  AttemptLauncher(PhasePolicy phases, TrainerConfigResolver resolver) {
    this.phases = phases;
    this.resolver = resolver;
  }

  /** Records the decision to start another attempt once the current one has ended. */
  void plan(
      Turn t,
      AttemptReason reason,
      int phaseIndex,
      String resumeFrom,
      Instant notBefore,
      String stopReason,
      boolean preempt) {
    PlannedAttemptStatus plan = new PlannedAttemptStatus();
    plan.reason = reason;
    plan.phaseIndex = phaseIndex;
    plan.resumeFrom = resumeFrom;
    plan.notBefore = notBefore.toString();
    plan.stopReason = stopReason;
    plan.preemptCheckpoint = preempt;
    t.status.nextAttempt = plan;
  }

  /** Moves the plan forward as far as the observation allows. */
  void carryOut(Turn t) {
    TrainingRunStatus s = t.status;
    PlannedAttemptStatus plan = s.nextAttempt;
    TrainerObservation trainer = t.observation.trainer();
    if (trainer != null && trainer.active()) {
      String reason = plan.stopReason != null ? plan.stopReason : "the next attempt is due";
      t.act(
          new Action.StopAttempt(
              trainer.attempt(), reason, Boolean.TRUE.equals(plan.preemptCheckpoint)));
      s.message = "Stopping attempt " + trainer.attempt() + ": " + reason + ".";
      return;
    }
    Instant notBefore = Instant.parse(plan.notBefore);
    if (t.now.isBefore(notBefore)) {
      s.message =
          "Attempt "
              + (s.attempt == null ? 1 : s.attempt + 1)
              + " starts at "
              + plan.notBefore
              + " (restart backoff).";
      return;
    }
    start(t, plan, trainer);
  }

  /**
   * Starts the current attempt again with the same config: it was decided and recorded, but the
   * platform never reported it (e.g. the operator stopped between writing status and creating the
   * pod). StartAttempt is create-if-absent, so this cannot make a second trainer.
   */
  void reissue(Turn t) {
    AttemptStatus a = t.status.currentAttempt;
    String uri = a.resumeFrom == null ? null : t.catalog.uri(a.resumeFrom);
    t.act(new Action.StartAttempt(a.number, config(t, a, uri)));
  }

  private void start(Turn t, PlannedAttemptStatus plan, TrainerObservation trainer) {
    TrainingRunStatus s = t.status;
    WatchStatus w = t.watch();
    Optional<CheckpointManifest> from = resolveStart(t, plan.resumeFrom);
    int last = s.attempt == null ? 0 : s.attempt;
    int number = Math.max(last, trainer == null ? 0 : trainer.attempt()) + 1;
    int phaseIndex = plan.phaseIndex;
    long startEpisode = from.map(CheckpointManifest::episode).orElse(0L);

    long phaseStart;
    AttemptStatus previous = s.currentAttempt;
    if (plan.reason == AttemptReason.PHASE_TRANSITION || plan.reason == AttemptReason.START) {
      phaseStart = startEpisode;
    } else if (previous != null
        && previous.phaseIndex != null
        && previous.phaseIndex == phaseIndex
        && previous.phaseStartEpisode != null) {
      phaseStart = previous.phaseStartEpisode;
    } else {
      phaseStart = phases.countStart(t.spec, phaseIndex);
    }
    phaseStart = Math.min(phaseStart, startEpisode);
    if (plan.reason == AttemptReason.PHASE_TRANSITION && from.isPresent()) {
      if (!w.phaseEndCheckpoints.contains(from.get().id())) {
        w.phaseEndCheckpoints.add(from.get().id());
      }
      w.phaseStartedFrom.put(from.get().id(), phaseIndex);
    }

    AttemptStatus a = new AttemptStatus();
    a.number = number;
    a.reason = plan.reason;
    a.phaseIndex = phaseIndex;
    a.resumeFrom = from.map(CheckpointManifest::id).orElse(null);
    a.startEpisode = startEpisode;
    a.untilEpisode = phases.phaseEndEpisode(t.spec, phaseIndex);
    a.phaseStartEpisode = phaseStart;
    a.seen = false;
    a.startedAt = t.time();
    s.currentAttempt = a;
    s.attempt = number;
    s.phaseIndex = phaseIndex;
    s.phase = t.phaseName(phaseIndex);
    s.episode = startEpisode;
    s.envSteps = from.map(CheckpointManifest::envSteps).orElse(0L);
    s.trainerPod = TrainerNames.pod(t.run.name(), number);
    s.state = RunState.RUNNING;
    s.nextAttempt = null;
    if (s.startTime == null) {
      s.startTime = t.time();
    }
    // signals tracked per attempt restart with it; the patience restarts where training resumes
    w.gateHeldSince.clear();
    w.gradNormAboveSince = null;
    w.progressEpisode = null;
    w.progressAt = null;
    w.progressRejected = null;
    w.routingFlatSince = null;
    w.routingFlatValue = null;
    w.routingStuck = null;
    w.expertDeadSince.clear();
    w.deadExperts = null;
    w.nonFiniteSeen = 0L;
    if (w.earlyStoppingBestEpisode != null && w.earlyStoppingBestEpisode > startEpisode) {
      w.earlyStoppingBestEpisode = startEpisode;
    }

    String uri = a.resumeFrom == null ? null : t.catalog.uri(a.resumeFrom);
    TrainerConfig config = config(t, a, uri);
    t.act(new Action.StartAttempt(number, config));
    if (config.initFrom() != null) {
      s.initializedFrom = config.initFrom();
    }
    s.message =
        "Attempt "
            + number
            + " trains phase "
            + s.phase
            + (a.resumeFrom != null
                ? " from checkpoint " + a.resumeFrom
                : config.initFrom() != null
                    ? " from the parameters of " + config.initFrom() + " (spec.initFrom)"
                    : " from scratch")
            + " until episode "
            + a.untilEpisode
            + ".";
  }

  private TrainerConfig config(Turn t, AttemptStatus a, String uri) {
    return resolver.resolve(
        t.run,
        a.number,
        a.phaseIndex,
        a.phaseStartEpisode,
        a.untilEpisode,
        uri,
        t.status.hyperparameterScale,
        WarmStartPolicy.uri(t.spec, t.status));
  }

  /**
   * The phase a run resumes in from {@code checkpoint}: the phase that started from it when it
   * ended a phase (its own phase is over there), else the phase it was written in.
   */
  static int phaseOf(Turn t, CheckpointManifest checkpoint) {
    return t.watch().phaseStartedFrom.getOrDefault(checkpoint.id(), checkpoint.phaseIndex());
  }

  /** The start checkpoint of a plan; a named one that vanished falls back to the line's newest. */
  private static Optional<CheckpointManifest> resolveStart(Turn t, String resumeFrom) {
    if (PlannedAttemptStatus.SCRATCH.equals(resumeFrom)) {
      return Optional.empty();
    }
    if (resumeFrom != null && !PlannedAttemptStatus.LATEST.equals(resumeFrom)) {
      Optional<CheckpointManifest> named = t.catalog.byId(resumeFrom);
      if (named.isPresent()) {
        return named;
      }
    }
    return t.catalog.newestOfLine(t.status.currentAttempt);
  }
}

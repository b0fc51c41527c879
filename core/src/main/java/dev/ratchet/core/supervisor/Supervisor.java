package dev.ratchet.core.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.AttemptReason;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HyperparameterScale;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.PlannedAttemptStatus;
import dev.ratchet.api.v1alpha1.RouterHealthAction;
import dev.ratchet.api.v1alpha1.RouterHealthSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import dev.ratchet.core.validation.SpecValidator;
import dev.ratchet.core.validation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The supervisor's brain: from the spec, the last status and what the platform saw, decides what to
 * do next and the new status. Pure: no I/O, no clock, no state between calls — everything it must
 * remember is in the status it returns, so deciding twice on the same inputs gives the same
 * decision and a decision already recorded in status is carried out, never taken again.
 */
public final class Supervisor {

  private final SpecValidator validator = new SpecValidator();
  private final PhasePolicy phases = new PhasePolicy();
  private final DivergencePolicy divergence = new DivergencePolicy();
  private final EarlyStoppingPolicy earlyStopping = new EarlyStoppingPolicy();
  private final RouterHealthPolicy routerHealth = new RouterHealthPolicy();
  private final RestartPolicy restarts = new RestartPolicy();
  private final RetentionPolicy retention = new RetentionPolicy();
  private final WarmStartPolicy warmStart = new WarmStartPolicy();
  private final StatusRecorder recorder = new StatusRecorder(divergence);
  private final AttemptLauncher launcher;
  private final RunTransitions transitions;
  private final ObjectMapper json = new ObjectMapper();

  /** A supervisor for a platform that supplies no defaults. */
  public Supervisor() {
    this(PlatformDefaults.NONE);
  }

  /** A supervisor whose trainer configs take {@code defaults} where a spec leaves them out. */
  public Supervisor(PlatformDefaults defaults) {
    this.launcher = new AttemptLauncher(phases, new TrainerConfigResolver(defaults));
    this.transitions =
        new RunTransitions(
            phases, divergence, restarts, recorder, launcher, defaults.suspendWording());
  }

  /**
   * The phase a run that ended {@code Succeeded} will be extended into under {@code spec} (a phase
   * appended after the one it ended in), for platforms to say so before the first decision; empty
   * when the spec extends nothing.
   */
  public static Optional<String> extensionPhase(TrainingRunSpec spec, TrainingRunStatus status) {
    OptionalInt next = new PhasePolicy().extension(spec, status);
    return next.isPresent() ? Optional.of(spec.phases.get(next.getAsInt()).name) : Optional.empty();
  }

  /**
   * Whether the platform should look up the run {@code spec.initFrom.run} names for this turn's
   * observation: only until the run has started from it.
   */
  public static boolean needsWarmStartSource(TrainingRunSpec spec, TrainingRunStatus status) {
    return WarmStartPolicy.needsSource(spec, status);
  }

  /** Decides for a TrainingRun resource from its current status. */
  public Decision decide(TrainingRun run, Observation observation, Instant now) {
    return decide(RunContext.of(run), run.getStatus(), observation, now);
  }

  /**
   * Decides the next actions and status.
   *
   * @param run the run and its spec (never modified)
   * @param current the status last written, or null for a new run (never modified)
   * @param observation what the platform saw
   * @param now the time of the decision (the only clock the brain sees)
   */
  public Decision decide(
      RunContext run, TrainingRunStatus current, Observation observation, Instant now) {
    TrainingRunStatus s = copyWithDefaults(current);
    s.observedGeneration = run.generation();
    Turn t = new Turn(run, s, observation == null ? Observation.empty() : observation, now);

    List<Violation> violations = new ArrayList<>(validator.validate(run.spec()));
    WarmStartPolicy.Resolution source = null;
    if (violations.isEmpty() && WarmStartPolicy.needsSource(run.spec(), s)) {
      source = warmStart.resolve(run, t.observation.warmStartSource());
      if (source instanceof WarmStartPolicy.Refused refused) {
        violations.addAll(refused.violations());
      }
    }
    if (!violations.isEmpty()) {
      transitions.invalidSpec(t, violations);
      recorder.finish(t);
      return new Decision(t.actions, s);
    }
    if (s.state == RunState.FAILED && s.attempt == null) {
      // failed only for an invalid spec that has been fixed since: start over
      s.state = RunState.PENDING;
      s.completionTime = null;
    }
    if (source instanceof WarmStartPolicy.Waiting waiting) {
      s.message = "Waiting for the warm start's source: " + waiting.why() + ".";
      recorder.finish(t);
      return new Decision(t.actions, s);
    }
    if (source instanceof WarmStartPolicy.Resolved resolved) {
      // pinned before the first attempt: a source that trains on cannot change it
      s.initializedFrom = resolved.uri();
    }

    if (t.observation.storageProblem() != null) {
      // Nothing is judged or started without the checkpoints; the trainer trains on meanwhile and
      // retries its uploads, and its episodes are judged once storage answers.
      t.ignoreProgress();
      recorder.storageUnavailable(t);
      recorder.finish(t);
      return new Decision(t.actions, s);
    }
    recorder.storageAvailable(t);
    recorder.recordCheckpoints(t);
    checkProgress(t);
    recorder.recordProgress(t);
    TrainerObservation trainer = t.currentTrainer();
    if (trainer != null && s.currentAttempt != null) {
      s.currentAttempt.seen = true;
    }
    decideState(t);
    retain(t, current);
    recorder.finish(t);
    return new Decision(t.actions, s);
  }

  private void decideState(Turn t) {
    TrainingRunStatus s = t.status;
    TrainerObservation observed = t.observation.trainer();
    if (observed != null
        && observed.active()
        && (s.attempt == null || observed.attempt() != s.attempt)) {
      // a trainer that status does not know as current must be gone before anything starts
      t.act(
          new Action.StopAttempt(
              observed.attempt(),
              "attempt " + observed.attempt() + " is not the run's current attempt",
              false));
      return;
    }
    if (observed == null || !observed.active()) {
      OptionalInt extension = phases.extension(t.spec, s);
      if (extension.isPresent()) {
        transitions.extend(t, extension.getAsInt());
        return;
      }
    }
    if (s.state.isFinal()) {
      t.stopIfActive("the run is " + StatusRecorder.stateName(s.state), false);
      return;
    }
    if (t.spec.suspend) {
      transitions.suspend(t);
      return;
    }
    if (s.state == RunState.SUSPENDED) {
      transitions.resume(t);
    }
    if (s.nextAttempt != null) {
      launcher.carryOut(t);
      return;
    }
    if (s.attempt == null) {
      // a nonce present when the run is created asks for nothing: there is nothing to roll back
      s.observedRollbackNonce = t.spec.rollback == null ? null : t.spec.rollback.nonce;
      launcher.plan(t, AttemptReason.START, 0, PlannedAttemptStatus.SCRATCH, t.now, null, false);
      launcher.carryOut(t);
      return;
    }
    TrainerObservation trainer = t.currentTrainer();
    if (trainer == null) {
      if (Boolean.TRUE.equals(s.currentAttempt.seen)) {
        transitions.crashed(t, null);
      } else {
        launcher.reissue(t);
      }
      return;
    }
    switch (trainer.phase()) {
      case PENDING, RUNNING -> supervise(t, trainer);
      case SUCCEEDED -> finished(t, trainer);
      case FAILED, GONE -> transitions.crashed(t, trainer);
    }
  }

  /**
   * An attempt that exited 0 either reached its until episode (its phase-end checkpoint is
   * committed before it exits) or was stopped by someone else — a node drain sends SIGTERM too, and
   * the trainer then exits 0 after a preempt checkpoint. Only the first moves the run on; the
   * second is restarted like a crash, which counts towards maxRestarts only if it committed
   * nothing.
   */
  private void finished(Turn t, TrainerObservation trainer) {
    AttemptStatus a = t.status.currentAttempt;
    long reached =
        t.catalog
            .newestOfLine(a)
            .map(CheckpointManifest::episode)
            .orElse(a.startEpisode == null ? 0L : a.startEpisode);
    ProgressReport p = t.currentProgress();
    if (p != null) {
      reached = Math.max(reached, p.episode());
    }
    if (reached >= a.untilEpisode) {
      // The end of a phase is judged before it is accepted: a collapse, a gate or a plateau in the
      // episodes since the last read decides as it would have while the trainer ran.
      if (!judge(t)) {
        transitions.attemptFinished(t);
      }
    } else {
      transitions.crashed(
          t,
          new TrainerObservation(
              trainer.attempt(),
              TrainerPhase.SUCCEEDED,
              trainer.exitCode(),
              "stopped at episode " + reached + " before its until episode " + a.untilEpisode));
    }
  }

  /** Watches a live attempt: manual rollback, divergence, phase gates, early stopping. */
  private void supervise(Turn t, TrainerObservation trainer) {
    TrainingRunStatus s = t.status;
    if (t.spec.rollback != null
        && t.spec.rollback.nonce != null
        && !t.spec.rollback.nonce.equals(s.observedRollbackNonce)) {
      transitions.manualRollback(t);
      return;
    }
    ProgressReport p = t.currentProgress();
    if (stalled(t, trainer, p)) {
      return;
    }
    if (trainer.phase() != TrainerPhase.RUNNING || p == null) {
      return;
    }
    s.state = RunState.RUNNING;
    if (judge(t)) {
      return;
    }
    s.message =
        "Attempt "
            + s.attempt
            + " trains phase "
            + s.phase
            + " at episode "
            + p.episode()
            + " of "
            + s.currentAttempt.untilEpisode
            + ".";
  }

  /**
   * Ignores a progress report that cannot be believed (or could not be read), saying why once per
   * distinct reason; nothing is judged or stored from it.
   */
  private void checkProgress(Turn t) {
    WatchStatus w = t.watch();
    AttemptStatus a = t.status.currentAttempt;
    String problem = t.observation.progressProblem();
    ProgressReport p = t.currentProgress();
    if (problem == null && p != null && p.state() == ProgressReport.TrainerState.STARTING) {
      // still loading its checkpoint: its counters are not the attempt's yet
      t.ignoreProgress();
      return;
    }
    if (problem == null && p != null && a != null) {
      problem = ProgressCheck.problem(p, a, w);
    }
    if (problem == null) {
      if (p != null) {
        w.progressRejected = null;
      }
      return;
    }
    t.ignoreProgress();
    if (!problem.equals(w.progressRejected)) {
      w.progressRejected = problem;
      t.event(
          EventType.PROGRESS_REJECTED,
          "Ignoring the progress report of attempt "
              + t.status.attempt
              + ": "
              + problem
              + ". Nothing is judged or stored from it.");
    }
  }

  /**
   * Whether the current attempt's trainer stalled: running, yet no new episode (or no readable
   * report) for trainer.stallTimeoutSeconds. The clock starts when the trainer is first seen
   * running, so a pod waiting for a node is not stalled.
   */
  private boolean stalled(Turn t, TrainerObservation trainer, ProgressReport p) {
    WatchStatus w = t.watch();
    if (trainer.phase() != TrainerPhase.RUNNING) {
      w.progressAt = null;
      return false;
    }
    if (w.progressAt == null
        || (p != null && (w.progressEpisode == null || p.episode() > w.progressEpisode))) {
      w.progressAt = t.time();
      if (p != null) {
        w.progressEpisode = p.episode();
      }
      return false;
    }
    Duration quiet = Duration.between(Instant.parse(w.progressAt), t.now);
    if (quiet.toSeconds() < t.spec.trainer.stallTimeoutSeconds) {
      return false;
    }
    transitions.stalled(t, quiet);
    return true;
  }

  /**
   * Judges every episode of the current attempt not judged yet, in order, as if the platform had
   * read after each: divergence, then the phase's metric gate, then early stopping. Stops at the
   * first that decides the run's next step.
   *
   * @return whether one did
   */
  private boolean judge(Turn t) {
    TrainingRunStatus s = t.status;
    int phaseIndex = s.currentAttempt.phaseIndex;
    boolean beforeLast = phaseIndex < t.spec.phases.size() - 1;
    for (Reading r : t.unjudgedReadings()) {
      s.currentAttempt.judgedThroughEpisode = r.episode();
      noteNonFinite(t, r);
      if (t.spec.divergence.enabled) {
        Optional<DivergencePolicy.Verdict> verdict =
            divergence.judge(t.spec.divergence, s.currentAttempt, r, beforeLast, t.watch());
        if (verdict.isPresent()) {
          transitions.diverged(t, verdict.get(), r.episode());
          return true;
        }
      }
      if (judgeRouter(t, r)) {
        return true;
      }
      Optional<String> gate = phases.metricGate(t.spec.phases.get(phaseIndex), r, t.watch());
      if (gate.isPresent()) {
        transitions.metricGateHeld(t, gate.get(), r.episode());
        return true;
      }
      if (t.spec.earlyStopping != null) {
        Optional<String> stop =
            earlyStopping.judge(
                t.spec.earlyStopping, TrainerConfigResolver.metricsWindow(t.spec), r, t.watch());
        if (stop.isPresent()) {
          transitions.earlyStop(t, stop.get(), r.episode());
          return true;
        }
      }
    }
    return false;
  }

  /** Announces a rise of the trainer's non-finite count, whatever divergence does about it. */
  private static void noteNonFinite(Turn t, Reading r) {
    WatchStatus w = t.watch();
    long seen = w.nonFiniteSeen == null ? 0 : w.nonFiniteSeen;
    if (r.nonFiniteCount() <= seen) {
      return;
    }
    ProgressReport p = t.currentProgress();
    String where =
        p == null || p.lastNonFinite() == null
            ? ""
            : " (first went NaN/Inf: " + p.lastNonFinite() + ")";
    t.event(
        EventType.NON_FINITE,
        "The trainer skipped "
            + r.nonFiniteCount()
            + " update step(s) with NaN/Inf by episode "
            + r.episode()
            + where
            + ".");
    if (!t.spec.divergence.enabled) {
      w.nonFiniteSeen = r.nonFiniteCount(); // divergence, when on, records it with its verdict
    }
  }

  /**
   * Router health of a mixture of experts after one episode: a problem found is announced once and
   * rolled back when the spec asks for it.
   *
   * @return whether a rollback was decided
   */
  private boolean judgeRouter(Turn t, Reading r) {
    if (t.spec.model.architecture != Architecture.MOE) {
      return false;
    }
    PhaseSpec phase = t.spec.phases.get(t.status.currentAttempt.phaseIndex);
    AlphaEntropyTarget band = phase.moe == null ? null : phase.moe.alphaEntropyTarget;
    RouterHealthSpec spec = t.spec.routerHealth;
    for (DivergencePolicy.Verdict v : routerHealth.judge(spec, band, r, t.watch())) {
      boolean stuck = v.kind() == DivergencePolicy.Kind.ROUTING_STUCK;
      RouterHealthAction action = stuck ? spec.onStuck : spec.onDeadExpert;
      String field = stuck ? "onStuck" : "onDeadExpert";
      t.event(
          stuck ? EventType.ROUTING_STUCK : EventType.DEAD_EXPERT,
          (stuck ? "Routing stuck: " : "Dead expert: ")
              + v.reason()
              + (action == RouterHealthAction.ROLLBACK
                  ? "; rolling back (spec.routerHealth." + field + ": rollback)."
                  : "; reported only (spec.routerHealth." + field + ": report)."));
      if (action == RouterHealthAction.ROLLBACK) {
        transitions.diverged(t, v, r.episode());
        return true;
      }
    }
    return false;
  }

  /**
   * The episode after which a platform should pass the trainer's episode records: the current
   * attempt's last judged episode (records up to it are judged already).
   */
  public static long judgedThrough(TrainingRunStatus status) {
    AttemptStatus a = status == null ? null : status.currentAttempt;
    if (a == null) {
      return 0;
    }
    if (a.judgedThroughEpisode != null) {
      return a.judgedThroughEpisode;
    }
    return a.startEpisode == null ? 0 : a.startEpisode;
  }

  /** Deletes what retention lets go, never anything the old or new status refers to. */
  private void retain(Turn t, TrainingRunStatus before) {
    if (t.catalog.isEmpty()) {
      return;
    }
    TreeSet<String> keep = new TreeSet<>();
    referenced(t.status, keep);
    if (before != null) {
      referenced(before, keep);
    }
    t.catalog.best(t.spec.checkpoints.best).ifPresent(m -> keep.add(m.id()));
    t.catalog.latest().ifPresent(m -> keep.add(m.id()));
    t.catalog.newestOfLine(t.status.currentAttempt).ifPresent(m -> keep.add(m.id()));
    if (t.spec.rollback != null && t.spec.rollback.to != null) {
      keep.add(t.spec.rollback.to);
    }
    // an attempt being started resumes from status.currentAttempt.resumeFrom, kept above
    List<String> delete = retention.toDelete(t.catalog, t.spec.checkpoints.keepLast, keep);
    if (!delete.isEmpty()) {
      t.act(new Action.DeleteCheckpoints(delete));
    }
  }

  /** The checkpoint ids a status refers to. */
  static void referenced(TrainingRunStatus s, java.util.Set<String> out) {
    for (CheckpointRef ref :
        new CheckpointRef[] {s.bestCheckpoint, s.latestCheckpoint, s.lastGoodCheckpoint}) {
      if (ref != null && ref.id != null) {
        out.add(ref.id);
      }
    }
    if (s.currentAttempt != null && s.currentAttempt.resumeFrom != null) {
      out.add(s.currentAttempt.resumeFrom);
    }
    if (s.nextAttempt != null && s.nextAttempt.resumeFrom != null) {
      out.add(s.nextAttempt.resumeFrom);
    }
    if (s.watch != null) {
      out.addAll(s.watch.phaseEndCheckpoints);
    }
  }

  private TrainingRunStatus copyWithDefaults(TrainingRunStatus current) {
    TrainingRunStatus s =
        current == null
            ? new TrainingRunStatus()
            : json.convertValue(current, TrainingRunStatus.class);
    if (s.state == null) {
      s.state = RunState.PENDING;
    }
    if (s.history == null) {
      s.history = new ArrayList<>();
    }
    if (s.conditions == null) {
      s.conditions = new ArrayList<>();
    }
    if (s.rollbacks == null) {
      s.rollbacks = 0;
    }
    if (s.restarts == null) {
      s.restarts = 0;
    }
    if (s.hyperparameterScale == null) {
      s.hyperparameterScale = new HyperparameterScale();
    }
    if (s.hyperparameterScale.learningRate == null) {
      s.hyperparameterScale.learningRate = 1.0;
    }
    if (s.hyperparameterScale.clipRange == null) {
      s.hyperparameterScale.clipRange = 1.0;
    }
    if (s.watch == null) {
      s.watch = new WatchStatus();
    }
    if (s.watch.gateHeldSince == null) {
      s.watch.gateHeldSince = new LinkedHashMap<>();
    }
    if (s.watch.crashes == null) {
      s.watch.crashes = new ArrayList<>();
    }
    if (s.watch.rejectedCheckpoints == null) {
      s.watch.rejectedCheckpoints = new ArrayList<>();
    }
    if (s.watch.phaseEndCheckpoints == null) {
      s.watch.phaseEndCheckpoints = new ArrayList<>();
    }
    if (s.watch.refusedCheckpoints == null) {
      s.watch.refusedCheckpoints = new ArrayList<>();
    }
    if (s.watch.expertDeadSince == null) {
      s.watch.expertDeadSince = new LinkedHashMap<>();
    }
    if (s.watch.phaseStartedFrom == null) {
      s.watch.phaseStartedFrom = new LinkedHashMap<>();
    }
    return s;
  }
}

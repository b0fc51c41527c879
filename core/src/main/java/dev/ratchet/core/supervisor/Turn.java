package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The inputs of one decision and the outcome it builds up (actions and the new status). */
final class Turn {

  final RunContext run;
  final TrainingRunSpec spec;
  final TrainingRunStatus status;
  final Observation observation;
  final Instant now;
  final CheckpointCatalog catalog;
  final List<Action> actions = new ArrayList<>();
  // set when the current attempt's report was not believed: it and its records are ignored
  private boolean progressIgnored;

  Turn(RunContext run, TrainingRunStatus status, Observation observation, Instant now) {
    this.run = run;
    this.spec = run.spec();
    this.status = status;
    this.observation = observation;
    this.now = now;
    this.catalog =
        new CheckpointCatalog(
            run,
            observation,
            status.watch == null || status.watch.refusedCheckpoints == null
                ? List.of()
                : status.watch.refusedCheckpoints);
  }

  WatchStatus watch() {
    return status.watch;
  }

  /** The trainer of the current attempt, or null when the platform reports none for it. */
  TrainerObservation currentTrainer() {
    TrainerObservation t = observation.trainer();
    return t != null && status.attempt != null && t.attempt() == status.attempt ? t : null;
  }

  /** The latest report of the current attempt; reports of older attempts are stale. */
  ProgressReport currentProgress() {
    ProgressReport p = observation.progress();
    return !progressIgnored && p != null && status.attempt != null && p.attempt() == status.attempt
        ? p
        : null;
  }

  /** Ignores the current attempt's report and records for this decision. */
  void ignoreProgress() {
    progressIgnored = true;
  }

  /**
   * The current attempt's readings not judged yet, oldest first: one per episode from the records
   * when there are any, else the latest progress report when it is newer.
   */
  List<Reading> unjudgedReadings() {
    AttemptStatus a = status.currentAttempt;
    if (a == null || status.attempt == null) {
      return List.of();
    }
    if (progressIgnored) {
      return List.of();
    }
    long after = Supervisor.judgedThrough(status);
    TreeMap<Long, Reading> readings = new TreeMap<>();
    ProgressReport p = currentProgress();
    // a live trainer's records cannot be newer than its own report
    long upTo = p == null ? Long.MAX_VALUE : p.episode();
    for (EpisodeRecord r : observation.episodes()) {
      Reading reading = r.attempt() == status.attempt ? Reading.of(r) : null;
      if (reading != null && reading.episode() > after && reading.episode() <= upTo) {
        readings.put(reading.episode(), reading);
      }
    }
    if (p != null
        && p.episode() > after
        && (readings.isEmpty() || p.episode() > readings.lastKey())) {
      // The report is newer than the records (or there are none): judge it too. Its windowed
      // figures are those of its episode, so it is simply one more reading.
      readings.put(p.episode(), Reading.of(p));
    }
    return List.copyOf(readings.values());
  }

  void act(Action action) {
    actions.add(action);
  }

  void event(EventType type, String message) {
    actions.add(new Action.EmitEvent(type, message));
  }

  /** Asks the observed trainer to stop if it may still be training. */
  void stopIfActive(String reason, boolean preempt) {
    TrainerObservation t = observation.trainer();
    if (t != null && t.active()) {
      actions.add(new Action.StopAttempt(t.attempt(), reason, preempt));
    }
  }

  String time() {
    return now.toString();
  }

  int rollbacks() {
    return status.rollbacks == null ? 0 : status.rollbacks;
  }

  String phaseName(int index) {
    return spec.phases.get(index).name;
  }
}

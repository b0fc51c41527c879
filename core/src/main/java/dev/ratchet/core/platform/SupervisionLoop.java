package dev.ratchet.core.platform;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.Decision;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.Observation;
import dev.ratchet.core.supervisor.RunContext;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.core.supervisor.TrainerPhase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one observe → decide → act → record turn both platforms run, the brain's decisions carried
 * out through a {@link Platform}: the operator calls it from its reconciler, local mode from its
 * poll loop, so they cannot drift apart. Keeping it out of the brain keeps the brain pure; keeping
 * it out of the platforms keeps them thin.
 */
public final class SupervisionLoop {

  private final Supervisor supervisor;
  private final SupervisorMetrics metrics;
  private final Clock clock;

  public SupervisionLoop(Supervisor supervisor, SupervisorMetrics metrics, Clock clock) {
    this.supervisor = supervisor;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * What a turn saw and decided.
   *
   * @param status the status to record (the platform persists it)
   * @param trainer the trainer observed at the start of the turn, or null
   * @param progress the progress report read in the turn, or null
   */
  public record Result(
      TrainingRunStatus status, TrainerObservation trainer, ProgressReport progress) {}

  /**
   * One turn for a run.
   *
   * @param run the run and its spec as the platform expresses it this turn (never modified)
   * @param status the status last recorded, or null for a new run
   * @param platform where the trainers live
   */
  public Result turn(RunContext run, TrainingRunStatus status, Platform platform) {
    // The trainer before the storage: a trainer seen exited has committed everything it will (it
    // awaits its last upload before exiting), so the listing then holds its final checkpoint.
    TrainerObservation trainer = platform.trainer();
    ProgressReader.Reply reply =
        trainer != null && trainer.phase() == TrainerPhase.RUNNING
            ? platform.progress(trainer, Supervisor.judgedThrough(status))
            : ProgressReader.Reply.NONE;
    CheckpointStore store = null;
    Observation observation;
    try {
      store = platform.storage();
      CheckpointStore.Listing listing = store.list();
      observation =
          new Observation(
              trainer,
              reply.report(),
              listing.committed(),
              listing.rejected().stream().map(CheckpointStore.Rejected::id).toList(),
              EpisodeRecords.of(status, trainer, reply.report(), store),
              reply.problem());
    } catch (StorageException e) {
      observation = Observation.storageUnavailable(trainer, reply.report(), e.getMessage());
    }

    if (Supervisor.needsWarmStartSource(run.spec(), status)) {
      observation = observation.withWarmStartSource(platform.sourceRun(run.spec().initFrom.run));
    }
    Decision decision = supervisor.decide(run, status, observation, clock.instant());
    TrainingRunStatus decided = decision.status();
    for (Action action : decision.actions()) {
      if (action instanceof Action.DeleteCheckpoints delete) {
        String failure = delete(delete.ids(), store);
        if (failure != null) {
          platform.event(EventType.ACTION_FAILED, failure);
        }
        continue;
      }
      String failure = carryOut(run, action, platform);
      if (failure != null) {
        // the brain asks again on a later turn; meanwhile the user sees why nothing happens
        platform.event(EventType.ACTION_FAILED, failure);
        decided.message = Character.toUpperCase(failure.charAt(0)) + failure.substring(1) + ".";
      }
    }
    metrics.status(run, decided);
    return new Result(decided, trainer, reply.report());
  }

  /** Carries one action out; returns why it failed, or null. */
  private String carryOut(RunContext run, Action action, Platform platform) {
    try {
      if (action instanceof Action.StartAttempt start) {
        platform.start(start);
      } else if (action instanceof Action.StopAttempt stop) {
        platform.stop(stop);
      } else if (action instanceof Action.EmitEvent event) {
        platform.event(event.type(), event.message());
        metrics.event(run, event.type());
      }
      return null;
    } catch (RuntimeException e) {
      String what =
          action instanceof Action.StartAttempt start
              ? "could not start attempt " + start.attempt()
              : action instanceof Action.StopAttempt stop
                  ? "could not stop attempt " + stop.attempt()
                  : "could not carry out " + action.getClass().getSimpleName();
      return what + ": " + e.getMessage();
    }
  }

  /** Retention's deletions; a failed one is asked for again on the next turn. */
  private static String delete(List<String> ids, CheckpointStore store) {
    List<String> failed = new ArrayList<>();
    String problem = null;
    for (String id : ids) {
      try {
        store.delete(id);
      } catch (StorageException e) {
        failed.add(id);
        problem = e.getMessage();
      }
    }
    return failed.isEmpty()
        ? null
        : "could not delete checkpoint(s) " + String.join(", ", failed) + ": " + problem;
  }
}

package dev.ratchet.core.platform;

import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.SourceRun;
import dev.ratchet.core.supervisor.TrainerObservation;

/**
 * What the {@link SupervisionLoop} needs of the place a run's trainers live, and all it needs: a
 * new platform implements this port and nothing of the loop. The operator's is Kubernetes pods,
 * ConfigMaps and Events; local mode's is child processes, files and printed lines.
 *
 * <p>Failures of {@link #start} and {@link #stop} are thrown (unchecked); the loop reports them to
 * the user and the brain asks again on a later turn.
 */
public interface Platform {

  /**
   * The newest attempt's trainer as the platform sees it now, or null when none is known; an ended
   * attempt is reported (exit code and reason) until the next one starts.
   */
  TrainerObservation trainer();

  /**
   * The progress of a running trainer with its episode records after {@code after}; {@link
   * ProgressReader.Reply#NONE} when it cannot be asked right now.
   */
  ProgressReader.Reply progress(TrainerObservation trainer, long after);

  /**
   * The run's checkpoint storage.
   *
   * @throws dev.ratchet.core.storage.StorageException when it cannot be reached or is not set up;
   *     the message says what to fix
   */
  CheckpointStore storage();

  /**
   * The run a warm start names ({@code spec.initFrom.run}), in this run's namespace (or workdir):
   * its spec, status and committed checkpoints; {@link SourceRun#missing} when there is no such
   * run. Asked only until the run has started from it. Only reads.
   */
  SourceRun sourceRun(String name);

  /** Starts an attempt's trainer with its config; nothing when that attempt is already started. */
  void start(Action.StartAttempt start);

  /** Stops an attempt's trainer, after a preempt checkpoint when asked; nothing when it is gone. */
  void stop(Action.StopAttempt stop);

  /** Tells the user: a Kubernetes Event, a printed line. */
  void event(EventType type, String message);
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.TrainerConfig;
import java.util.List;

/**
 * Something the platform (operator: pods and events; local mode: child processes and log lines)
 * must carry out. Start and stop are level-triggered: "attempt N exists" and "attempt N is
 * stopped", so carrying one out twice does no harm.
 */
public sealed interface Action
    permits Action.StartAttempt, Action.StopAttempt, Action.DeleteCheckpoints, Action.EmitEvent {

  /**
   * Ensure the trainer of this attempt exists (create it if absent) with this resolved config.
   *
   * @param attempt attempt number; it names the pod or process
   * @param config the config the trainer reads from RATCHET_TRAINER_CONFIG
   */
  record StartAttempt(int attempt, TrainerConfig config) implements Action {}

  /**
   * Ensure the trainer of this attempt stops (SIGTERM, then the grace period).
   *
   * @param attempt attempt number
   * @param reason why, for logs and events
   * @param preemptCheckpoint whether the trainer should get the time to write a preempt checkpoint
   */
  record StopAttempt(int attempt, String reason, boolean preemptCheckpoint) implements Action {}

  /**
   * Delete these committed checkpoints from storage; none of them is referenced by status.
   *
   * @param ids checkpoint ids, sorted
   */
  record DeleteCheckpoints(List<String> ids) implements Action {
    public DeleteCheckpoints {
      ids = List.copyOf(ids);
    }
  }

  /**
   * Record an event for people (a Kubernetes Event, or a log line in local mode).
   *
   * @param type what happened
   * @param message a sentence saying what and why
   */
  record EmitEvent(EventType type, String message) implements Action {}
}

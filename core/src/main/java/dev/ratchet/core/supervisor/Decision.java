package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.util.List;

/**
 * The outcome of one decision: what the platform must do, and the status to write. The platform
 * writes the status and carries out the actions; either order is safe because actions are
 * level-triggered and the status records every decision once.
 *
 * @param actions in the order they should be carried out
 * @param status the new status (a fresh object; the input status is never modified)
 */
public record Decision(List<Action> actions, TrainingRunStatus status) {

  public Decision {
    actions = List.copyOf(actions);
  }

  /** The actions of one type. */
  public <A extends Action> List<A> actionsOf(Class<A> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }
}

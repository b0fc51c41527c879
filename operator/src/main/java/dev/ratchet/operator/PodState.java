package dev.ratchet.operator;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Set;

/**
 * What a trainer pod's status says, reduced to what the supervisor decides on.
 *
 * @param phase where the pod is
 * @param exitCode the trainer container's exit code once it ended, else null
 * @param reason Kubernetes' reason, e.g. OOMKilled, Evicted, ImagePullBackOff; may be null
 * @param message Kubernetes' message for people; may be null
 */
public record PodState(Phase phase, Integer exitCode, String reason, String message) {

  /** Pod phases as the supervisor sees them. */
  public enum Phase {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /** Waiting reasons that never resolve by themselves: the attempt has failed to start. */
  static final Set<String> STUCK_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  /** Reads the state of the trainer container of a pod. */
  public static PodState of(Pod pod) {
    var status = pod.getStatus();
    String podPhase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
    ContainerStatus trainer = trainerStatus(status == null ? null : status.getContainerStatuses());
    ContainerState state = trainer == null ? null : trainer.getState();
    if (state != null && state.getTerminated() != null) {
      var terminated = state.getTerminated();
      int code = terminated.getExitCode() == null ? -1 : terminated.getExitCode();
      return new PodState(
          code == 0 ? Phase.SUCCEEDED : Phase.FAILED,
          code,
          terminated.getReason(),
          terminated.getMessage());
    }
    if (state != null
        && state.getWaiting() != null
        && STUCK_REASONS.contains(state.getWaiting().getReason())) {
      return new PodState(
          Phase.FAILED, null, state.getWaiting().getReason(), state.getWaiting().getMessage());
    }
    return switch (podPhase) {
      case "Running" -> new PodState(Phase.RUNNING, null, null, null);
      case "Succeeded" -> new PodState(Phase.SUCCEEDED, 0, status.getReason(), status.getMessage());
      // Evicted and node-lost pods fail without a container exit code.
      case "Failed", "Unknown" ->
          new PodState(Phase.FAILED, null, status.getReason(), status.getMessage());
      default -> new PodState(Phase.PENDING, null, null, null);
    };
  }

  /** A one-line description for history and events, e.g. {@code exit 137 (OOMKilled)}. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    if (exitCode != null) {
      text.append("exit ").append(exitCode);
    }
    if (reason != null) {
      text.append(text.isEmpty() ? "" : " ").append('(').append(reason).append(')');
    }
    if (message != null && !message.isBlank()) {
      text.append(text.isEmpty() ? "" : ": ").append(message.strip());
    }
    return text.isEmpty() ? phase.name().toLowerCase() : text.toString();
  }

  private static ContainerStatus trainerStatus(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return null;
    }
    return statuses.stream().filter(s -> "trainer".equals(s.getName())).findFirst().orElse(null);
  }
}

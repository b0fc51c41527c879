package dev.ratchet.operator;

import dev.ratchet.api.trainer.TrainerExitCodes;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
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

  /**
   * Why the trainer ended, for status and events, or null: Kubernetes' own reason when it says
   * something (OOMKilled, Evicted, ImagePullBackOff), the trainer's termination message (its
   * one-line reason, or the last line of its log's tail when it died before writing one), else the
   * signal that killed it.
   */
  public String trainerReason() {
    List<String> parts = new ArrayList<>();
    if (reason != null && !GENERIC_REASONS.contains(reason)) {
      parts.add(reason);
    }
    String signal = exitCode == null ? null : TrainerExitCodes.describeSignal(exitCode);
    // a killed trainer wrote no termination message: what the kubelet copied is its log's tail
    String said = trainerSaid(message, signal == null);
    if (said != null) {
      parts.add(said);
    } else if (signal != null) {
      if (parts.isEmpty()) { // OOMKilled says more than the signal
        parts.add(signal);
      }
    } else {
      String words = lastLine(message);
      if (words != null) {
        parts.add(words);
      }
    }
    return parts.isEmpty() ? null : String.join(": ", parts);
  }

  /** Container reasons that say nothing beyond the exit code. */
  private static final Set<String> GENERIC_REASONS = Set.of("Error", "Completed");

  /**
   * The trainer's own one-line reason, or null: its prefixed line in a log tail, or, when the text
   * may be the termination-message file ({@code mayBeFile}), a single bare line.
   */
  private static String trainerSaid(String text, boolean mayBeFile) {
    if (text == null) {
      return null;
    }
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (mayBeFile && lines.size() == 1 && !lines.get(0).startsWith(TRAINER_PREFIX)) {
      return cut(lines.get(0)); // the termination-message file holds the bare reason
    }
    return lines.stream()
        .filter(l -> l.startsWith(TRAINER_PREFIX))
        .reduce((a, b) -> b)
        .map(l -> cut(l.substring(TRAINER_PREFIX.length()).strip()))
        .orElse(null);
  }

  private static String cut(String line) {
    return line.length() > 300 ? line.substring(0, 300) : line;
  }

  /** A log tail's last line, when the trainer wrote no reason of its own (see trainerSaid). */
  private static String lastLine(String text) {
    if (text == null) {
      return null;
    }
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return lines.isEmpty() ? null : cut(lines.get(lines.size() - 1));
  }

  /** How the trainer begins the line that says why on stderr. */
  private static final String TRAINER_PREFIX = "ratchet-trainer:";

  private static ContainerStatus trainerStatus(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return null;
    }
    return statuses.stream().filter(s -> "trainer".equals(s.getName())).findFirst().orElse(null);
  }
}

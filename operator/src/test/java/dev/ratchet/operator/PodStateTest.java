package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** A trainer pod's status becomes the phase, exit code and reason the supervisor decides on. */
class PodStateTest {

  private static Pod pod(String phase, ContainerStatusBuilder trainer) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("run-a1").endMetadata();
    pod.withNewStatus().withPhase(phase).endStatus();
    if (trainer != null) {
      pod.editStatus().addToContainerStatuses(trainer.withName("trainer").build()).endStatus();
    }
    return pod.build();
  }

  @Test
  void oomKilledTrainerIsAFailureWithItsExitCodeAndReason() {
    PodState state =
        PodState.of(
            pod(
                "Failed",
                new ContainerStatusBuilder()
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(137)
                    .withReason("OOMKilled")
                    .endTerminated()
                    .endState()));

    assertThat(state.phase()).isEqualTo(PodState.Phase.FAILED);
    assertThat(state.exitCode()).isEqualTo(137);
    assertThat(state.trainerReason()).isEqualTo("OOMKilled");
  }

  @Test
  void theTrainersTerminationMessageIsItsReason() {
    PodState state = terminated(2, "Error", "bad config: environment.options.goldPiles is unknown");

    assertThat(state.trainerReason())
        .isEqualTo("bad config: environment.options.goldPiles is unknown");
  }

  @Test
  void fromALogTailTheTrainersOwnLineIsPreferredToTheLastLine() {
    // FallbackToLogsOnError: the log's tail when the trainer wrote no termination message
    PodState said =
        terminated(
            3,
            "Error",
            "INFO: training\nratchet-trainer: storage failed: connection refused\n"
                + "\tat dev.ratchet.trainer.TrainerMain.main(TrainerMain.java:31)\n");
    PodState crashed = terminated(1, "Error", "INFO: training\njava.lang.StackOverflowError\n");

    assertThat(said.trainerReason()).isEqualTo("storage failed: connection refused");
    assertThat(crashed.trainerReason()).isEqualTo("java.lang.StackOverflowError");
  }

  @Test
  void aTrainerKilledByASignalIsReportedAsSuch() {
    assertThat(terminated(137, "Error", null).trainerReason())
        .isEqualTo("killed by SIGKILL (out of memory, or killed)");
    assertThat(terminated(143, "Error", "").trainerReason()).isEqualTo("killed by SIGTERM");
  }

  @Test
  void aKilledTrainersLogTailIsNotTakenForItsReason() {
    // FallbackToLogsOnError: the kubelet copies the log's tail of a trainer killed mid-episode
    String tail =
        "INFO: Number of intra-op threads is 1\n" + "episode 812 score 500.0 window 487.3\n";

    assertThat(terminated(137, "Error", tail).trainerReason())
        .isEqualTo("killed by SIGKILL (out of memory, or killed)");
    assertThat(terminated(137, "Error", "episode 812 score 500.0").trainerReason())
        .isEqualTo("killed by SIGKILL (out of memory, or killed)");
    assertThat(
            terminated(137, "Error", tail + "ratchet-trainer: storage failed: timeout\n")
                .trainerReason())
        .isEqualTo("storage failed: timeout");
  }

  private static PodState terminated(int code, String reason, String message) {
    return PodState.of(
        pod(
            "Failed",
            new ContainerStatusBuilder()
                .withNewState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason(reason)
                .withMessage(message)
                .endTerminated()
                .endState()));
  }

  @Test
  void cleanExitIsSuccess() {
    PodState state =
        PodState.of(
            pod(
                "Succeeded",
                new ContainerStatusBuilder()
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .withReason("Completed")
                    .endTerminated()
                    .endState()));

    assertThat(state.phase()).isEqualTo(PodState.Phase.SUCCEEDED);
    assertThat(state.exitCode()).isZero();
  }

  @Test
  void imagePullBackOffFailsTheAttemptWithKubernetesMessage() {
    PodState state =
        PodState.of(
            pod(
                "Pending",
                new ContainerStatusBuilder()
                    .withNewState()
                    .withNewWaiting()
                    .withReason("ImagePullBackOff")
                    .withMessage("Back-off pulling image \"nope:1\"")
                    .endWaiting()
                    .endState()));

    assertThat(state.phase()).isEqualTo(PodState.Phase.FAILED);
    assertThat(state.trainerReason())
        .isEqualTo("ImagePullBackOff: Back-off pulling image \"nope:1\"");
  }

  @Test
  void evictedPodFailsWithoutExitCodeAndScheduledPodIsPending() {
    Pod evicted = pod("Failed", null);
    evicted.getStatus().setReason("Evicted");
    evicted.getStatus().setMessage("The node was low on resource: memory.");

    assertThat(PodState.of(evicted))
        .isEqualTo(
            new PodState(
                PodState.Phase.FAILED, null, "Evicted", "The node was low on resource: memory."));
    assertThat(PodState.of(pod("Pending", null)).phase()).isEqualTo(PodState.Phase.PENDING);
    assertThat(PodState.of(pod("Running", null)).phase()).isEqualTo(PodState.Phase.RUNNING);
  }

  @Test
  void theEnvironmentSidecarsStatusNeverStandsForTheTrainers() {
    // a killed environment server (an init container) while the trainer still runs, then ends
    Pod pod =
        pod(
            "Running",
            new ContainerStatusBuilder().withNewState().withNewRunning().endRunning().endState());
    pod.getStatus()
        .getInitContainerStatuses()
        .add(
            new ContainerStatusBuilder()
                .withName("environment")
                .withRestartCount(1)
                .withNewState()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("Error")
                .endTerminated()
                .endState()
                .build());
    assertThat(PodState.of(pod).phase()).isEqualTo(PodState.Phase.RUNNING);

    pod.getStatus()
        .getContainerStatuses()
        .get(0)
        .setState(
            new ContainerStatusBuilder()
                .withNewState()
                .withNewTerminated()
                .withExitCode(5)
                .withReason("Error")
                .withMessage("environment unavailable: the server went away")
                .endTerminated()
                .endState()
                .build()
                .getState());
    PodState ended = PodState.of(pod);
    assertThat(ended.phase()).isEqualTo(PodState.Phase.FAILED);
    assertThat(ended.exitCode()).isEqualTo(5);
    assertThat(ended.trainerReason()).isEqualTo("environment unavailable: the server went away");
  }
}

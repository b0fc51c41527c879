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
    assertThat(state.describe()).isEqualTo("exit 137 (OOMKilled)");
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
    assertThat(state.describe()).isEqualTo("(ImagePullBackOff): Back-off pulling image \"nope:1\"");
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
}

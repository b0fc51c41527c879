package dev.ratchet.operator;

import dev.ratchet.api.trainer.TrainerLabels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet for trainer pods on the mock API server: starts new pods (Running, with a pod
 * IP) and ends them when the test says so, with an exit code and reason.
 */
public final class TestKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, int[]> exits = new ConcurrentHashMap<>();
  private final Map<String, String> exitReasons = new ConcurrentHashMap<>();
  private final Map<String, String> exitMessages = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  public TestKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    loop.scheduleWithFixedDelay(this::tick, 50, 50, TimeUnit.MILLISECONDS);
  }

  /** The pod's trainer exits with this code (and reason, e.g. OOMKilled) at the next tick. */
  public void exit(String podName, int exitCode, String reason) {
    exit(podName, exitCode, reason, null);
  }

  /** As {@link #exit(String, int, String)}, with the container's termination message. */
  public void exit(String podName, int exitCode, String reason, String terminationMessage) {
    exitReasons.put(podName, reason);
    if (terminationMessage != null) {
      exitMessages.put(podName, terminationMessage);
    }
    exits.put(podName, new int[] {exitCode});
  }

  private void tick() {
    try {
      for (Pod pod :
          client
              .pods()
              .inNamespace(namespace)
              .withLabel(TrainerLabels.MANAGED_BY, TrainerLabels.MANAGED_BY_VALUE)
              .list()
              .getItems()) {
        step(pod);
      }
    } catch (RuntimeException e) {
      // the mock server may be shutting down at the end of a test
    }
  }

  private void step(Pod pod) {
    String name = pod.getMetadata().getName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (phase == null) {
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Running")
              .withPodIP("127.0.0.1")
              .addToContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("trainer")
                      .withReady(true)
                      .withNewState()
                      .withNewRunning()
                      .endRunning()
                      .endState()
                      .build())
              .build());
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
    } else if ("Running".equals(phase) && exits.containsKey(name)) {
      int code = exits.remove(name)[0];
      pod.getStatus().setPhase(code == 0 ? "Succeeded" : "Failed");
      pod.getStatus()
          .setContainerStatuses(
              java.util.List.of(
                  new ContainerStatusBuilder()
                      .withName("trainer")
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(code)
                      .withReason(exitReasons.remove(name))
                      .withMessage(exitMessages.remove(name))
                      .endTerminated()
                      .endState()
                      .build()));
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}

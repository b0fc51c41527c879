package dev.ratchet.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for the kubelet on the mock API server: each trainer pod the operator creates is run
 * as a process of the real trainer jar, from what the pod spec says — its environment (Secret
 * values resolved), its ConfigMap volume as files, its termination message file — and reported back
 * in the pod's status as a kubelet does (Running with an IP; terminated with the exit code and the
 * termination message, or the log's tail when the trainer wrote none). A deleted pod's process gets
 * SIGTERM, then SIGKILL after the pod's grace period.
 *
 * <p>Not emulated: images (the jar is the image's), resource limits, the security context (user,
 * read-only root), probes, a delete's own grace period (the pod's is used), and the pod network:
 * every pod's IP is 127.0.0.1, so one trainer at a time can listen on the trainer port.
 */
final class ProcessKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Path trainerJar;
  private final Path work;
  private final Predicate<Pod> runs;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Map<String, Path> dirs = new ConcurrentHashMap<>();
  private final Map<String, Long> graces = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  /**
   * Runs the pods of {@code namespace} that {@code runs} accepts; the others stay Pending, as pods
   * no node takes.
   */
  ProcessKubelet(
      KubernetesClient client, String namespace, Path trainerJar, Path work, Predicate<Pod> runs) {
    this.client = client;
    this.namespace = namespace;
    this.trainerJar = trainerJar;
    this.work = work;
    this.runs = runs;
    loop.scheduleWithFixedDelay(this::tick, 100, 200, TimeUnit.MILLISECONDS);
  }

  /** The trainer log of a pod, for failure messages. */
  Path log(String pod) {
    return work.resolve(pod).resolve("trainer.log");
  }

  private void tick() {
    try {
      List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
      for (Pod pod : pods) {
        step(pod);
      }
      // pods deleted through the API: their trainers are stopped as a kubelet would
      for (String name : running.keySet()) {
        if (pods.stream().noneMatch(p -> p.getMetadata().getName().equals(name))) {
          stop(name, running.remove(name));
        }
      }
    } catch (RuntimeException | IOException e) {
      // the mock may be shutting down at the end of a test
    }
  }

  private void step(Pod pod) throws IOException {
    String name = pod.getMetadata().getName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (!runs.test(pod)) {
      return;
    }
    if (phase == null && !running.containsKey(name)) {
      running.put(name, start(pod));
      pod.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withPodIP("127.0.0.1")
              .addToContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName(container(pod).getName())
                      .withReady(true)
                      .withNewState()
                      .withNewRunning()
                      .endRunning()
                      .endState()
                      .build())
              .build());
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
    } else if ("Running".equals(phase)
        && running.containsKey(name)
        && !running.get(name).isAlive()) {
      Process done = running.remove(name);
      int code = done.exitValue();
      pod.getStatus().setPhase(code == 0 ? "Succeeded" : "Failed");
      pod.getStatus()
          .setContainerStatuses(
              List.of(
                  new ContainerStatusBuilder()
                      .withName(container(pod).getName())
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(code)
                      .withReason(code == 0 ? "Completed" : "Error")
                      .withMessage(terminationMessage(pod, code))
                      .endTerminated()
                      .endState()
                      .build()));
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }
  }

  private Process start(Pod pod) throws IOException {
    String name = pod.getMetadata().getName();
    Path dir = Files.createDirectories(work.resolve(name));
    dirs.put(name, dir);
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    graces.put(name, grace == null ? 30L : grace);
    Container container = container(pod);
    // volumes: each ConfigMap key a file under the mount path, moved into the pod's folder
    Map<String, String> mounts = new HashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Path local = Files.createDirectories(dir.resolve(mount.getName()));
      mounts.put(mount.getMountPath(), local.toString());
      Volume volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow();
      if (volume.getConfigMap() != null) {
        ConfigMap map =
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(volume.getConfigMap().getName())
                .get();
        for (Map.Entry<String, String> file : map.getData().entrySet()) {
          Files.writeString(local.resolve(file.getKey()), file.getValue());
        }
      }
    }
    String terminationPath = container.getTerminationMessagePath();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                trainerJar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log(name).toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    for (EnvVar var : container.getEnv()) {
      String value = var.getValue();
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        value =
            secretValue(
                var.getValueFrom().getSecretKeyRef().getName(),
                var.getValueFrom().getSecretKeyRef().getKey());
      }
      if (value != null && value.equals(terminationPath)) {
        value = dir.resolve("termination-log").toString();
      } else {
        for (Map.Entry<String, String> mount : mounts.entrySet()) {
          if (value != null && value.startsWith(mount.getKey() + "/")) {
            value = mount.getValue() + value.substring(mount.getKey().length());
            break;
          }
        }
      }
      if (value != null) {
        builder.environment().put(var.getName(), value);
      }
    }
    return builder.start();
  }

  private String terminationMessage(Pod pod, int code) {
    try {
      Path file = dirs.get(pod.getMetadata().getName()).resolve("termination-log");
      if (Files.exists(file) && !Files.readString(file).isBlank()) {
        return Files.readString(file);
      }
      if (code != 0
          && "FallbackToLogsOnError".equals(container(pod).getTerminationMessagePolicy())) {
        List<String> lines = Files.readAllLines(log(pod.getMetadata().getName()));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
      }
    } catch (IOException e) {
      // no message, as a kubelet that cannot read it
    }
    return null;
  }

  private String secretValue(String secretName, String key) {
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null) {
      return null;
    }
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }

  private static Container container(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  private void stop(String name, Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM
    try {
      if (!process.waitFor(graces.getOrDefault(name, 30L), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    running.forEach(
        (name, process) -> {
          process.destroyForcibly();
        });
  }
}

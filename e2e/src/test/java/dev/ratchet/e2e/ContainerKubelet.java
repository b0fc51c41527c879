package dev.ratchet.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A kubelet for the mock API server that runs each pod bound to it as a real container with podman,
 * translated from the pod spec as a kubelet and its runtime would: the image, command and args; env
 * with values, {@code secretKeyRef}, {@code configMapKeyRef} and {@code fieldRef} (passed in a
 * file, never on a command line); ConfigMap and Secret volumes (read-only) and emptyDirs; the
 * termination message file; the security context (user and group, fsGroup as a supplementary group,
 * non-root check against the image's user, read-only root, dropped capabilities, no new
 * privileges); CPU and memory limits; the pod's own network namespace and address ({@link
 * PodNetwork}); HTTP readiness probes. It writes pod status back (Running with the pod's IP, Ready,
 * terminated with exit code, reason and termination message or the log's tail) and stops a deleted
 * pod's container with SIGTERM, then SIGKILL after the pod's grace period.
 *
 * <p>Native sidecars (init containers with {@code restartPolicy: Always}, how the operator runs an
 * external environment's server) are emulated too: each runs as a container of its own, in the
 * pod's network namespace (so the main container reaches it on localhost) with its own env file,
 * security, limits and volumes (emptyDirs shared with the main container), started in order before
 * the main container; reported in {@code status.initContainerStatuses}; restarted when it exits
 * while the main container runs (at once the first time, then after Kubernetes' growing back-off,
 * 10 s doubling, in CrashLoopBackOff meanwhile), with its restart count and last exit; stopped with
 * SIGTERM, then SIGKILL after the grace period, once the main container has ended (the pod reports
 * its final phase after that) or after it on deletion. Its log is kept as {@code NAME.log} beside
 * the pod's {@code container.log}.
 *
 * <p>Not emulated: restart policies other than Never (the operator's pods use Never), liveness,
 * startup and exec probes (a sidecar counts as started and ready once running), plain init
 * containers (without restartPolicy Always: such a pod stays Pending with
 * CreateContainerConfigError), more than one main container, image pulls (images must be local),
 * {@code $(VAR)} expansion, projected and other volume kinds, requests (only limits), GPUs.
 */
final class ContainerKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String apiServerForPods;
  private final PodNetwork network;
  private final Path work;
  private final Predicate<Pod> runs;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Future<?>> stopping = new ConcurrentHashMap<>();
  // pods whose main container ended and whose sidecars are being stopped before the final status
  private final Set<String> finishing = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService stops = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * A pod this kubelet started: its main container, its sidecars, folder, address and what it last
   * reported.
   */
  private record Running(
      String container,
      List<Sidecar> sidecars,
      Path dir,
      PodNetwork.Attachment address,
      long grace,
      boolean ready) {

    Running asReady() {
      return new Running(container, sidecars, dir, address, grace, true);
    }
  }

  /**
   * A native sidecar of a running pod: its spec, its podman container (the same one across
   * restarts, so its log holds every run), how often it was restarted and, while it waits in
   * back-off, when it restarts. Only the tick thread changes it; the stopping threads read it.
   */
  private static final class Sidecar {
    final Container spec;
    final String container;
    volatile int restarts;
    volatile Instant restartAt;
    volatile Integer lastExit;

    Sidecar(Container spec, String container) {
      this.spec = spec;
      this.container = container;
    }
  }

  /**
   * Runs the pods (of every namespace) that {@code runs} accepts; the others stay Pending, as pods
   * no node takes. A pod that mounts its service account's token (the default; the trainer's pods
   * do not) gets {@code KUBERNETES_MASTER=apiServerForPods} instead of a token and the in-cluster
   * TLS address, which the mock API server cannot serve; null gives such pods nothing.
   */
  ContainerKubelet(
      KubernetesClient client,
      PodNetwork network,
      Path work,
      Predicate<Pod> runs,
      String apiServerForPods) {
    this.client = client;
    this.apiServerForPods = apiServerForPods;
    this.network = network;
    this.work = work;
    this.runs = runs;
    loop.scheduleWithFixedDelay(this::tick, 100, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * The container log of a pod (its output as {@code podman logs} prints it), for diagnostics; a
   * deleted pod's once its container has stopped.
   */
  Path log(String namespace, String pod) throws Exception {
    String key = namespace + "/" + pod;
    // a pod removed at once: let the next tick see it and stop the container first
    Instant deadline = Instant.now().plusSeconds(30);
    while (running.containsKey(key)
        && !stopping.containsKey(key)
        && client.pods().inNamespace(namespace).withName(pod).get() == null
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    Future<?> stop = stopping.get(key);
    if (stop != null) {
      stop.get(5, TimeUnit.MINUTES);
    }
    Running r = running.get(key);
    if (r != null) {
      saveLog(r);
    }
    return work.resolve(key).resolve("container.log");
  }

  /**
   * The log of a pod's sidecar (every run of it, restarts included), as far as it is saved: in full
   * once the pod has ended, else as of this call.
   */
  Path log(String namespace, String pod, String sidecar) throws Exception {
    Path main = log(namespace, pod);
    return main.resolveSibling(sidecar + ".log");
  }

  /** The container running a pod now, e.g. to kill it as a node failure would. */
  String container(String namespace, String pod) {
    Running r = running.get(namespace + "/" + pod);
    return r == null ? null : r.container();
  }

  /** The podman container of a pod's sidecar, e.g. to kill it as a crash would; null if none. */
  String container(String namespace, String pod, String sidecar) {
    Running r = running.get(namespace + "/" + pod);
    return r == null
        ? null
        : r.sidecars().stream()
            .filter(s -> s.spec.getName().equals(sidecar))
            .map(s -> s.container)
            .findFirst()
            .orElse(null);
  }

  private static String key(Pod pod) {
    return ns(pod) + "/" + pod.getMetadata().getName();
  }

  private static String ns(Pod pod) {
    return pod.getMetadata().getNamespace();
  }

  private void tick() {
    try {
      List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
      for (Pod pod : pods) {
        if (runs.test(pod)) {
          step(pod);
        }
      }
      for (String name : running.keySet()) {
        if (pods.stream().noneMatch(p -> key(p).equals(name)) && !stopping.containsKey(name)) {
          Running gone = running.remove(name);
          stopping.put(name, stops.submit(() -> stop(name, gone)));
        }
      }
    } catch (RuntimeException | IOException | InterruptedException e) {
      // the mock may be shutting down at the end of a test
    }
  }

  private void step(Pod pod) throws IOException, InterruptedException {
    String name = key(pod);
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (phase == null && !running.containsKey(name)) {
      start(pod);
      return;
    }
    Running r = running.get(name);
    if (r != null && pod.getMetadata().getDeletionTimestamp() != null) {
      // a graceful delete: stop the container, report how it ended, then remove the pod
      if (!stopping.containsKey(name)) {
        Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
        stopping.put(name, stops.submit(() -> finishDeletion(pod, r, grace)));
      }
      return;
    }
    if (r == null || !"Running".equals(phase) || finishing.contains(name)) {
      return;
    }
    // one inspect for the main container and its sidecars: a line each, in that order
    List<String> containers = new ArrayList<>(List.of(r.container()));
    r.sidecars().forEach(s -> containers.add(s.container));
    List<String> args =
        new ArrayList<>(
            List.of(
                "inspect",
                "--format",
                "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}"));
    args.addAll(containers);
    List<String[]> states = Podman.ok(args).strip().lines().map(l -> l.strip().split(" ")).toList();
    String[] parts = states.get(0);
    if (exited(parts)) {
      // a kubelet stops the sidecars once the main container has ended, then the pod is done
      finishing.add(name);
      stops.submit(
          () -> finish(pod, r, Integer.parseInt(parts[1]), Boolean.parseBoolean(parts[2])));
      return;
    }
    if (restartSidecars(pod, r, states.subList(1, states.size()))) {
      return; // status written; readiness on the next tick
    }
    if (!r.ready() && ready(pod, r)) {
      running.put(name, r.asReady());
      PodStatus status = pod.getStatus();
      status.getContainerStatuses().get(0).setReady(true);
      status.setConditions(
          List.of(
              new PodConditionBuilder()
                  .withType("Ready")
                  .withStatus("True")
                  .withLastTransitionTime(Instant.now().toString())
                  .build()));
      client.pods().inNamespace(ns(pod)).resource(pod).updateStatus();
    }
  }

  private static boolean exited(String[] state) {
    return state[0].equals("exited") || state[0].equals("stopped");
  }

  private void start(Pod pod) throws IOException, InterruptedException {
    String name = key(pod);
    Container container = pod.getSpec().getContainers().get(0);
    Path dir = Files.createDirectories(work.resolve(name));
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    List<Container> inits = pod.getSpec().getInitContainers();
    for (Container init : inits) {
      if (!"Always".equals(init.getRestartPolicy())) {
        waiting(
            pod,
            container,
            "CreateContainerConfigError",
            "init container " + init.getName() + ": only native sidecars are emulated");
        return;
      }
    }
    for (Container c : concat(inits, container)) {
      String refused = runAsNonRootRefusal(pod, c);
      if (refused != null) {
        String message =
            c == container ? refused : "init container " + c.getName() + ": " + refused;
        waiting(pod, container, "CreateContainerConfigError", message);
        return;
      }
    }
    PodNetwork.Attachment address = network.attach(name);
    String containerName = "ratchet-" + name.replace('/', '-');
    // the sidecars first, in order, as a kubelet starts them before the main container
    List<Sidecar> sidecars = new ArrayList<>();
    for (Container init : concat(inits, container)) {
      boolean main = init == container;
      String podmanName = main ? containerName : containerName + "-" + init.getName();
      Podman.Result started =
          Podman.run(
              runArgs(pod, init, dir, address, podmanName, main ? "" : "-" + init.getName()));
      if (started.code() != 0) {
        for (Sidecar s : sidecars) {
          Podman.run(List.of("rm", "-f", "-t", "0", s.container));
        }
        network.detach(name);
        waiting(pod, container, "CreateContainerError", started.output().strip());
        return;
      }
      if (!main) {
        sidecars.add(new Sidecar(init, podmanName));
      }
    }
    running.put(
        name,
        new Running(containerName, sidecars, dir, address, grace == null ? 30 : grace, false));
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(address.address())
            .withHostIP(network.gateway())
            .withStartTime(Instant.now().toString())
            .addToConditions(
                new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .withInitContainerStatuses(sidecars.stream().map(s -> sidecarStatus(s, null)).toList())
            .addToContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(container.getName())
                    .withImage(container.getImage())
                    .withReady(false)
                    .withStarted(true)
                    .withRestartCount(0)
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(Instant.now().toString())
                    .endRunning()
                    .endState()
                    .build())
            .build());
    client.pods().inNamespace(ns(pod)).resource(pod).updateStatus();
  }

  private static List<Container> concat(List<Container> first, Container last) {
    List<Container> all = new ArrayList<>(first);
    all.add(last);
    return all;
  }

  /** {@code podman run} of one container of a pod, with its own env and termination files. */
  private List<String> runArgs(
      Pod pod,
      Container container,
      Path dir,
      PodNetwork.Attachment address,
      String podmanName,
      String suffix)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--replace", "--name", podmanName));
    args.addAll(
        List.of("--network", "ns:" + address.path(), "--hostname", pod.getMetadata().getName()));
    args.addAll(List.of("--env-file", envFile(pod, container, dir, address, suffix).toString()));
    args.addAll(securityArgs(pod, container));
    args.addAll(limitArgs(container));
    args.addAll(volumeArgs(pod, container, dir, suffix));
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      args.addAll(List.of("--entrypoint", container.getCommand().get(0)));
    }
    args.add(container.getImage());
    if (container.getCommand() != null && container.getCommand().size() > 1) {
      args.addAll(container.getCommand().subList(1, container.getCommand().size()));
    }
    if (container.getArgs() != null) {
      args.addAll(container.getArgs());
    }
    return args;
  }

  /**
   * A sidecar's status: running, or with {@code terminated} (its exit code) ended for good, or in
   * back-off; its last exit and restart count as a kubelet reports them.
   */
  private static ContainerStatus sidecarStatus(Sidecar s, Integer terminated) {
    ContainerStatusBuilder status =
        new ContainerStatusBuilder()
            .withName(s.spec.getName())
            .withImage(s.spec.getImage())
            .withRestartCount(s.restarts);
    if (s.lastExit != null) {
      status
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(s.lastExit)
          .withReason(s.lastExit == 0 ? "Completed" : "Error")
          .endTerminated()
          .endLastState();
    }
    if (terminated != null) {
      return status
          .withReady(false)
          .withStarted(false)
          .withNewState()
          .withNewTerminated()
          .withExitCode(terminated)
          .withReason(terminated == 0 ? "Completed" : "Error")
          .withFinishedAt(Instant.now().toString())
          .endTerminated()
          .endState()
          .build();
    }
    if (s.restartAt != null) {
      return status
          .withReady(false)
          .withStarted(false)
          .withNewState()
          .withNewWaiting()
          .withReason("CrashLoopBackOff")
          .endWaiting()
          .endState()
          .build();
    }
    return status
        .withReady(true)
        .withStarted(true)
        .withNewState()
        .withNewRunning()
        .withStartedAt(Instant.now().toString())
        .endRunning()
        .endState()
        .build();
  }

  /**
   * Restarts the sidecars that exited while the main container runs, as a kubelet restarts
   * restartPolicy-Always sidecars: the first time at once, then after 10 s doubling up to 5 min.
   * Returns whether it wrote the pod's status.
   */
  private boolean restartSidecars(Pod pod, Running r, List<String[]> states)
      throws IOException, InterruptedException {
    boolean changed = false;
    for (int i = 0; i < r.sidecars().size(); i++) {
      Sidecar s = r.sidecars().get(i);
      if (!exited(states.get(i))) {
        continue;
      }
      if (s.restartAt == null) {
        s.lastExit = Integer.parseInt(states.get(i)[1]);
        long backoff = s.restarts == 0 ? 0 : Math.min(300, 10L << Math.min(s.restarts - 1, 5));
        s.restartAt = Instant.now().plusSeconds(backoff);
        changed = true;
      }
      if (!Instant.now().isBefore(s.restartAt)) {
        Podman.ok(List.of("start", s.container));
        s.restarts++;
        s.restartAt = null;
        changed = true;
      }
    }
    if (changed) {
      pod.getStatus()
          .setInitContainerStatuses(
              r.sidecars().stream().map(s -> sidecarStatus(s, null)).toList());
      client.pods().inNamespace(ns(pod)).resource(pod).updateStatus();
    }
    return changed;
  }

  /**
   * The main container ended: its sidecars get SIGTERM (in reverse order, SIGKILL after the pod's
   * grace period), then the pod reports its final phase, as a kubelet does.
   */
  private Void finish(Pod pod, Running r, int code, boolean oomKilled) throws Exception {
    try {
      stopSidecars(r, r.grace());
      Pod current = client.pods().inNamespace(ns(pod)).withName(pod.getMetadata().getName()).get();
      if (current != null && current.getMetadata().getDeletionTimestamp() == null) {
        terminated(current, r, code, oomKilled);
      }
    } finally {
      finishing.remove(key(pod));
    }
    return null;
  }

  private static void stopSidecars(Running r, long grace) throws IOException, InterruptedException {
    for (int i = r.sidecars().size() - 1; i >= 0; i--) {
      Podman.run(List.of("stop", "-t", Long.toString(grace), r.sidecars().get(i).container));
    }
  }

  /** A pod whose container cannot be created stays Pending with the reason, as on a node. */
  private void waiting(Pod pod, Container container, String reason, String message) {
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Pending")
            .addToContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(container.getName())
                    .withImage(container.getImage())
                    .withReady(false)
                    .withNewState()
                    .withNewWaiting()
                    .withReason(reason)
                    .withMessage(message)
                    .endWaiting()
                    .endState()
                    .build())
            .build());
    client.pods().inNamespace(ns(pod)).resource(pod).updateStatus();
  }

  private void terminated(Pod pod, Running r, int code, boolean oomKilled) {
    Container container = pod.getSpec().getContainers().get(0);
    saveLog(r);
    String reason = oomKilled ? "OOMKilled" : code == 0 ? "Completed" : "Error";
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(container.getName())
            .withImage(container.getImage())
            .withReady(false)
            .withRestartCount(0)
            .withNewState()
            .withNewTerminated()
            .withExitCode(code)
            .withReason(reason)
            .withMessage(terminationMessage(container, r, code))
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .endState()
            .build();
    pod.getStatus().setPhase(code == 0 ? "Succeeded" : "Failed");
    pod.getStatus().setContainerStatuses(List.of(status));
    List<ContainerStatus> sidecars = new ArrayList<>();
    for (Sidecar s : r.sidecars()) {
      sidecars.add(sidecarStatus(s, exitCode(s.container)));
    }
    pod.getStatus().setInitContainerStatuses(sidecars);
    pod.getStatus()
        .setConditions(
            List.of(new PodConditionBuilder().withType("Ready").withStatus("False").build()));
    client.pods().inNamespace(ns(pod)).resource(pod).updateStatus();
  }

  /** A stopped container's exit code, or -1 when podman no longer knows it. */
  private static int exitCode(String container) {
    try {
      return Integer.parseInt(
          Podman.ok(List.of("inspect", "--format", "{{.State.ExitCode}}", container)).strip());
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return -1;
    }
  }

  /** The message file's content, or with FallbackToLogsOnError the log's tail on a failure. */
  private String terminationMessage(Container container, Running r, int code) {
    try {
      Path file = r.dir().resolve("termination-log");
      if (Files.exists(file) && !Files.readString(file).isBlank()) {
        return Files.readString(file);
      }
      if (code != 0 && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
        return Podman.ok(List.of("logs", "--tail", "80", r.container()));
      }
    } catch (IOException | InterruptedException e) {
      // no message, as a kubelet that cannot read it
    }
    return null;
  }

  private boolean ready(Pod pod, Running r) {
    Container container = pod.getSpec().getContainers().get(0);
    if (container.getReadinessProbe() == null) {
      return true;
    }
    HTTPGetAction get = container.getReadinessProbe().getHttpGet();
    if (get == null) {
      return true; // exec and TCP probes are not emulated
    }
    int port =
        get.getPort().getIntVal() != null
            ? get.getPort().getIntVal()
            : container.getPorts().stream()
                .filter(p -> get.getPort().getStrVal().equals(p.getName()))
                .findFirst()
                .orElseThrow()
                .getContainerPort();
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + r.address().address() + ":" + port + get.getPath()))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() >= 200 && response.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String runAsNonRootRefusal(Pod pod, Container container)
      throws IOException, InterruptedException {
    PodSecurityContext podContext = pod.getSpec().getSecurityContext();
    SecurityContext context = container.getSecurityContext();
    boolean nonRoot =
        Boolean.TRUE.equals(context == null ? null : context.getRunAsNonRoot())
            || Boolean.TRUE.equals(podContext == null ? null : podContext.getRunAsNonRoot());
    Long user = userOf(podContext, context);
    if (!nonRoot || (user != null && user != 0)) {
      return user != null && user == 0 && nonRoot
          ? "container's runAsUser breaks non-root policy"
          : null;
    }
    String imageUser =
        Podman.ok(List.of("image", "inspect", "--format", "{{.Config.User}}", container.getImage()))
            .strip();
    String uid =
        imageUser.contains(":") ? imageUser.substring(0, imageUser.indexOf(':')) : imageUser;
    if (uid.isEmpty() || uid.equals("0") || uid.equals("root")) {
      return "container has runAsNonRoot and image will run as root";
    }
    if (!uid.chars().allMatch(Character::isDigit)) {
      return "container has runAsNonRoot and image has non-numeric user (" + uid + ")";
    }
    return null;
  }

  private static Long userOf(PodSecurityContext pod, SecurityContext container) {
    if (container != null && container.getRunAsUser() != null) {
      return container.getRunAsUser();
    }
    return pod == null ? null : pod.getRunAsUser();
  }

  private static List<String> securityArgs(Pod pod, Container container) {
    PodSecurityContext podContext = pod.getSpec().getSecurityContext();
    SecurityContext context = container.getSecurityContext();
    List<String> args = new ArrayList<>();
    Long user = userOf(podContext, context);
    Long group =
        context != null && context.getRunAsGroup() != null
            ? context.getRunAsGroup()
            : podContext == null ? null : podContext.getRunAsGroup();
    if (user != null) {
      args.addAll(List.of("--user", user + (group == null ? "" : ":" + group)));
    }
    if (podContext != null && podContext.getFsGroup() != null) {
      args.addAll(List.of("--group-add", podContext.getFsGroup().toString()));
    }
    if (context != null && Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
      // a pod has no tmpfs of its own at /tmp, /run or /var/tmp: only its volumes are writable
      args.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (context != null && context.getCapabilities() != null) {
      for (String drop : context.getCapabilities().getDrop()) {
        args.addAll(List.of("--cap-drop", drop));
      }
      for (String add : context.getCapabilities().getAdd()) {
        args.addAll(List.of("--cap-add", add));
      }
    }
    if (context != null && Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
      args.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    return args;
  }

  private static List<String> limitArgs(Container container) {
    List<String> args = new ArrayList<>();
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return args;
    }
    Quantity cpu = container.getResources().getLimits().get("cpu");
    if (cpu != null) {
      args.addAll(List.of("--cpus", Quantity.getAmountInBytes(cpu).toPlainString()));
    }
    Quantity memory = container.getResources().getLimits().get("memory");
    if (memory != null) {
      args.addAll(List.of("--memory", Quantity.getAmountInBytes(memory).toBigInteger() + "b"));
    }
    return args;
  }

  private List<String> volumeArgs(Pod pod, Container container, Path dir, String suffix)
      throws IOException {
    List<String> args = new ArrayList<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow(() -> new IOException("no volume " + mount.getName()));
      Path local = Files.createDirectories(dir.resolve("volumes").resolve(mount.getName()));
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
      if (volume.getConfigMap() != null) {
        ConfigMap map =
            client
                .configMaps()
                .inNamespace(ns(pod))
                .withName(volume.getConfigMap().getName())
                .get();
        if (map == null) {
          throw new IOException("configmap " + volume.getConfigMap().getName() + " not found");
        }
        for (Map.Entry<String, String> file : map.getData().entrySet()) {
          Files.writeString(local.resolve(file.getKey()), file.getValue());
        }
        readOnly = true; // the kubelet mounts ConfigMaps read-only
      } else if (volume.getSecret() != null) {
        Secret secret =
            client
                .secrets()
                .inNamespace(ns(pod))
                .withName(volume.getSecret().getSecretName())
                .get();
        if (secret == null) {
          throw new IOException("secret " + volume.getSecret().getSecretName() + " not found");
        }
        for (String key : secretKeys(secret)) {
          Files.writeString(local.resolve(key), secretValue(secret, key));
        }
        readOnly = true;
      } else if (volume.getEmptyDir() == null) {
        throw new IOException("volume " + mount.getName() + ": only configMap, secret, emptyDir");
      }
      // every file readable by the pod's user, emptyDirs writable (a kubelet makes them 0777)
      Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxrwxrwx"));
      try (var files = Files.list(local)) {
        for (Path f : files.toList()) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      args.addAll(List.of("-v", local + ":" + mount.getMountPath() + (readOnly ? ":ro" : ":rw")));
    }
    String messagePath = container.getTerminationMessagePath();
    Path message = dir.resolve("termination-log" + suffix);
    Files.writeString(message, "");
    Files.setPosixFilePermissions(message, PosixFilePermissions.fromString("rw-rw-rw-"));
    args.addAll(
        List.of(
            "-v",
            message + ":" + (messagePath == null ? "/dev/termination-log" : messagePath) + ":rw"));
    return args;
  }

  /** The container's environment, in a file only root can read (never on a command line). */
  private Path envFile(
      Pod pod, Container container, Path dir, PodNetwork.Attachment address, String suffix)
      throws IOException {
    StringBuilder text = new StringBuilder();
    for (EnvVar var : container.getEnv()) {
      String value = var.getValue();
      if (var.getValueFrom() != null) {
        var from = var.getValueFrom();
        if (from.getSecretKeyRef() != null) {
          Secret secret =
              client
                  .secrets()
                  .inNamespace(ns(pod))
                  .withName(from.getSecretKeyRef().getName())
                  .get();
          value = secret == null ? null : secretValue(secret, from.getSecretKeyRef().getKey());
        } else if (from.getConfigMapKeyRef() != null) {
          ConfigMap map =
              client
                  .configMaps()
                  .inNamespace(ns(pod))
                  .withName(from.getConfigMapKeyRef().getName())
                  .get();
          value = map == null ? null : map.getData().get(from.getConfigMapKeyRef().getKey());
        } else if (from.getFieldRef() != null) {
          value =
              switch (from.getFieldRef().getFieldPath()) {
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.namespace" -> ns(pod);
                case "metadata.uid" -> pod.getMetadata().getUid();
                case "status.podIP" -> address.address();
                case "status.hostIP", "spec.nodeName" -> network.gateway();
                default -> throw new IOException("fieldRef " + from.getFieldRef().getFieldPath());
              };
        }
      }
      if (value != null) {
        if (value.contains("\n")) {
          throw new IOException("env " + var.getName() + ": multi-line values are not emulated");
        }
        text.append(var.getName()).append('=').append(value).append('\n');
      }
    }
    if (apiServerForPods != null
        && !Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())) {
      text.append("KUBERNETES_MASTER=").append(apiServerForPods).append('\n');
    }
    Path file = dir.resolve("env" + suffix);
    Files.writeString(file, text.toString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static List<String> secretKeys(Secret secret) {
    List<String> keys = new ArrayList<>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return keys;
  }

  private static String secretValue(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }

  private void saveLog(Running r) {
    saveLog(r.container(), r.dir().resolve("container.log"));
    for (Sidecar s : r.sidecars()) {
      saveLog(s.container, r.dir().resolve(s.spec.getName() + ".log"));
    }
  }

  private static void saveLog(String container, Path file) {
    try {
      Podman.Result logs = Podman.run(List.of("logs", container));
      if (logs.code() == 0) {
        Files.writeString(file, logs.output());
      }
    } catch (IOException | InterruptedException e) {
      // the container is gone: the last saved log stays
    }
  }

  /**
   * A pod deleted gracefully (it carries a deletion timestamp): SIGTERM, SIGKILL after the delete's
   * grace period; then its status says how the container ended and the pod is removed, as a
   * kubelet's final delete does.
   */
  private Void finishDeletion(Pod pod, Running r, Long grace) throws Exception {
    String name = key(pod);
    try {
      long seconds = grace == null ? r.grace() : grace;
      Instant begun = Instant.now();
      Podman.run(List.of("stop", "-t", Long.toString(seconds), r.container()));
      // the sidecars after the main container, in what is left of the grace period (at least 2 s)
      stopSidecars(r, Math.max(2, seconds - Duration.between(begun, Instant.now()).toSeconds()));
      String[] state =
          Podman.ok(
                  List.of(
                      "inspect",
                      "--format",
                      "{{.State.ExitCode}} {{.State.OOMKilled}}",
                      r.container()))
              .strip()
              .split(" ");
      Pod current = client.pods().inNamespace(ns(pod)).withName(pod.getMetadata().getName()).get();
      if (current != null) {
        terminated(current, r, Integer.parseInt(state[0]), Boolean.parseBoolean(state[1]));
        client
            .pods()
            .inNamespace(ns(pod))
            .withName(pod.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      }
      removeContainers(r);
    } finally {
      running.remove(name);
      network.detach(name);
    }
    return null;
  }

  /**
   * A pod removed at once (deleted with grace 0): as a kubelet does, SIGTERM and SIGKILL after its
   * minimum grace of two seconds, then the container goes.
   */
  private void stop(String name, Running r) {
    try {
      Podman.run(List.of("stop", "-t", "2", r.container()));
      stopSidecars(r, 2);
      saveLog(r);
      removeContainers(r);
    } catch (IOException | InterruptedException e) {
      // the container is gone already
    } finally {
      network.detach(name);
    }
  }

  private static void removeContainers(Running r) throws IOException, InterruptedException {
    Podman.run(List.of("rm", "-f", r.container()));
    for (Sidecar s : r.sidecars()) {
      Podman.run(List.of("rm", "-f", s.container));
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    running.forEach(
        (name, r) -> {
          saveLog(r);
          try {
            Podman.run(List.of("rm", "-f", "-t", "0", r.container()));
            for (Sidecar s : r.sidecars()) {
              Podman.run(List.of("rm", "-f", "-t", "0", s.container));
            }
          } catch (IOException | InterruptedException e) {
            // gone
          }
          network.detach(name);
        });
    stops.shutdown();
    try {
      stops.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

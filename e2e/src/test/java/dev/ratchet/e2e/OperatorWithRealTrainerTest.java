package dev.ratchet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.UntilSpec;
import dev.ratchet.e2e.cluster.KubeApiServer;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator driving the real trainer in its image: the operator reconciles on the mock
 * API server, a {@link ContainerKubelet} runs each pod it creates as a podman container of the
 * trainer image under the pod's exact settings (user, read-only root, dropped capabilities, env
 * from the Secret, the ConfigMap volume, its own network namespace and address), and checkpoints go
 * to an S3 server through the operator's default storage. (The operator itself runs here as its
 * packaged jar on this machine.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorWithRealTrainerTest {

  private static final String NAMESPACE = "research";
  private static final List<String> EXAMPLES =
      List.of(
          "cartpole-minimal.yaml",
          "cartpole-quickstart.yaml",
          "cartpole-divergence-demo.yaml",
          "intercept-lstm.yaml",
          "dungeon-moe-three-phase.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private KubeApiServer api;
  private KubernetesClient client;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  static Path work;

  private EmbeddedS3Server s3;
  private ChildProcess operator;
  private PodNetwork network;
  private ContainerKubelet kubelet;
  private int trainerPort;

  @BeforeAll
  void startOperatorWithDefaultStorage() throws Exception {
    Podman.buildImages();
    api = KubeApiServer.start();
    client = api.client();
    network = PodNetwork.create();
    // on the pod network's gateway: the operator here and the trainers in their pods reach it
    s3 = EmbeddedS3Server.start(work.resolve("s3"), network.gateway(), Artifacts.freePort());
    try (InputStream crd =
        new FileInputStream(
            Artifacts.ROOT.resolve("crds/trainingruns.ratchet.dev-v1.yml").toFile())) {
      client.load(crd).create();
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ratchet-s3")
                .endMetadata()
                .addToStringData("accessKey", EmbeddedS3Server.ACCESS_KEY)
                .addToStringData("secretKey", EmbeddedS3Server.SECRET_KEY)
                .build())
        .create();
    trainerPort = Artifacts.freePort();
    int port = Artifacts.freePort();
    operator =
        PackagedOperator.start(
            api.url() + "/",
            NAMESPACE,
            port,
            List.of(
                "ratchet.storage.endpoint=" + s3.endpoint(),
                "ratchet.trainer-image=" + Podman.TRAINER_IMAGE,
                "ratchet.trainer-port=" + trainerPort,
                "ratchet.poll-interval=1s",
                "ratchet.preempt-grace-period=20s"),
            work.resolve("operator.log"));
    PackagedOperator.awaitReady(operator, port);
    // Only the runs named trains-… get their trainers run: the config checks need no trainer.
    kubelet =
        new ContainerKubelet(
            client,
            network,
            work.resolve("pods"),
            pod -> pod.getMetadata().getName().startsWith("trains-"),
            null);
  }

  @AfterAll
  void stop() throws Exception {
    if (kubelet != null) {
      kubelet.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (network != null) {
      network.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void theConfigTheOperatorWritesForEveryExamplePassesTheRealTrainersCheck() throws Exception {
    for (String example : EXAMPLES) {
      for (boolean specEndpoint : new boolean[] {true, false}) {
        String name = "cfg-" + example.replace(".yaml", "") + (specEndpoint ? "-ep" : "-noep");
        TrainingRun run = example(example, name);
        run.getSpec().checkpoints.storage.endpoint = specEndpoint ? s3.endpoint() : null;
        client.resource(run).inNamespace(NAMESPACE).create();

        ConfigMap map =
            await(
                "the ConfigMap of " + name,
                () ->
                    client
                        .configMaps()
                        .inNamespace(NAMESPACE)
                        .withName(TrainerNames.configMap(name, 1))
                        .get(),
                m -> m != null,
                Duration.ofSeconds(60));
        String json = map.getData().values().iterator().next();
        TrainerConfig config = new ObjectMapper().readValue(json, TrainerConfig.class);
        assertThat(config.storage().endpoint()).as(name).isEqualTo(s3.endpoint());
        assertThat(config.httpPort()).as(name).isEqualTo(trainerPort);
        Path file = Files.writeString(work.resolve(name + ".json"), json);

        ChildProcess check =
            ChildProcess.java(
                "check " + name,
                List.of(
                    "-jar", Artifacts.trainerJar().toString(), "--check-config", file.toString()),
                work.resolve(name + "-check.log"));
        assertThat(check.waitFor(Duration.ofMinutes(1))).as(check.tail(20)).isZero();
        assertThat(check.tail(5)).contains("config ok: " + NAMESPACE + "/" + name);
        client.resource(run).inNamespace(NAMESPACE).delete();
      }
    }
  }

  @Test
  void theQuickstartWithoutAStorageEndpointTrainsToItsGoalThroughTheOperator() throws Exception {
    String name = "trains-quickstart";
    TrainingRun run = example("cartpole-quickstart.yaml", name);
    // what a cluster admin adds: the container runs with them (scheduling fields have no
    // scheduler here)
    run.getSpec().trainer.labels = Map.of("team", "rl");
    run.getSpec().trainer.annotations = Map.of("example.org/owner", "research");
    run.getSpec().trainer.priorityClassName = "research-low";
    run.getSpec().trainer.imagePullSecrets = List.of(new LocalObjectReference("registry"));
    client.resource(run).inNamespace(NAMESPACE).create();
    Pod first =
        await(
            "the first trainer pod",
            () -> client.pods().inNamespace(NAMESPACE).withName(TrainerNames.pod(name, 1)).get(),
            p -> p != null,
            Duration.ofSeconds(60));
    assertThat(first.getMetadata().getLabels()).containsEntry("team", "rl");
    assertThat(first.getMetadata().getAnnotations()).containsEntry("example.org/owner", "research");
    assertThat(first.getSpec().getPriorityClassName()).isEqualTo("research-low");
    assertThat(first.getSpec().getImagePullSecrets())
        .extracting("name")
        .containsExactly("registry");

    TrainingRunStatus done = awaitEnd(name);

    assertThat(done.state).as(diagnostics(name)).isEqualTo(RunState.SUCCEEDED);
    // status names the pod that ran the trainer (deleted once the goal ended the run early)
    assertThat(done.trainerPod).isEqualTo(TrainerNames.pod(name, done.attempt));
    assertThat(kubelet.log(NAMESPACE, done.trainerPod)).isRegularFile();
    assertThat(done.bestCheckpoint.uri)
        .startsWith("s3://ratchet-checkpoints/quickstart/" + NAMESPACE + "/" + name + "/");
    assertThat(done.bestCheckpoint.scoreMean).isGreaterThan(100.0);
    assertThat(
            Files.exists(
                work.resolve("s3/ratchet-checkpoints/quickstart")
                    .resolve(NAMESPACE)
                    .resolve(name)
                    .resolve("checkpoints")
                    .resolve(done.bestCheckpoint.id)
                    .resolve("manifest.json")))
        .as("the best checkpoint is committed in the operator's default storage")
        .isTrue();
    assertThat(events(name)).anyMatch(e -> "Succeeded".equals(e.getReason()));
  }

  @Test
  void aTrainerThatRefusesItsConfigFailsTheRunAfterOneAttemptWithItsOwnReason() throws Exception {
    String name = "trains-on-a-gpu";
    TrainingRun run = example("cartpole-quickstart.yaml", name);
    run.getSpec().trainer.gpus = 1;
    run.getSpec().trainer.device = Device.GPU; // this machine has none: the trainer exits 2
    client.resource(run).inNamespace(NAMESPACE).create();

    TrainingRunStatus failed = awaitEnd(name);

    String reason = "device gpu asked for, but the engine sees no GPU";
    assertThat(failed.state).as(diagnostics(name)).isEqualTo(RunState.FAILED);
    assertThat(failed.message).contains("refused its config (exit code 2)").contains(reason);
    assertThat(events(name))
        .anyMatch(
            e ->
                "Failed".equals(e.getReason())
                    && "Warning".equals(e.getType())
                    && e.getMessage().contains(reason));
    assertThat(failed.restarts == null ? 0 : failed.restarts).isZero();
    assertThat(client.pods().inNamespace(NAMESPACE).withName(TrainerNames.pod(name, 2)).get())
        .isNull();
  }

  @Test
  void aKilledTrainerContainerRestartsFromTheNewestCommittedCheckpoint() throws Exception {
    String name = "trains-through-a-kill";
    client.resource(longRun(name)).inNamespace(NAMESPACE).create();
    await(
        "a committed checkpoint of " + name,
        () -> status(name),
        s -> s != null && s.latestCheckpoint != null && Integer.valueOf(1).equals(s.attempt),
        Duration.ofMinutes(2));

    Podman.ok(
        List.of(
            "kill", "--signal", "KILL", kubelet.container(NAMESPACE, TrainerNames.pod(name, 1))));

    resumesFromTheKilledAttemptsNewestCommitAndSucceeds(
        name, "quickstart", reason -> reason.contains("killed by SIGKILL"));
  }

  @Test
  void aSuspendedRunCommitsAPreemptCheckpointAndResumesFromIt() throws Exception {
    String name = "trains-with-a-pause";
    client.resource(longRun(name)).inNamespace(NAMESPACE).create();
    await(
        name + " training",
        () -> status(name),
        s -> s != null && s.latestCheckpoint != null,
        Duration.ofMinutes(2));

    suspend(name, true);
    await(
        name + " suspended",
        () -> status(name),
        s -> s != null && s.state == RunState.SUSPENDED,
        Duration.ofMinutes(1));
    // the pod terminates gracefully: SIGTERM, the preempt checkpoint, then the kubelet removes it
    await(
        "the trainer pod to terminate",
        () -> client.pods().inNamespace(NAMESPACE).withName(TrainerNames.pod(name, 1)).get(),
        pod -> pod == null,
        Duration.ofSeconds(60));
    assertThat(kubelet.log(NAMESPACE, TrainerNames.pod(name, 1)))
        .content()
        .as("SIGTERM made the trainer commit a preempt checkpoint within the grace period")
        .contains("committed PREEMPT checkpoint");
    String preempt = newestCommitted(name, 1);
    TrainingRunStatus suspended =
        await(
            "status to show the preempt checkpoint",
            () -> status(name),
            s -> s.latestCheckpoint != null && preempt.equals(s.latestCheckpoint.id),
            Duration.ofSeconds(30));
    assertThat(suspended.state).isEqualTo(RunState.SUSPENDED);

    suspend(name, false);
    TrainerConfig config = attemptConfig(name, 2);
    assertThat(config.resumeFrom()).as(diagnostics(name)).endsWith("/" + preempt + "/");
    client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName(name).delete();
  }

  @Test
  void anotherRunWarmStartsFromASucceededRunsBestWhichThenTrainsOneMorePhase() throws Exception {
    String source = "trains-then-extends";
    TrainingRun first = example("cartpole-quickstart.yaml", source);
    first.getSpec().phases.get(0).until.episode = 150L;
    first.getSpec().phases.get(0).until.anyOf = List.of();
    client.resource(first).inNamespace(NAMESPACE).create();
    TrainingRunStatus ended = awaitEnd(source);
    assertThat(ended.state).as(diagnostics(source)).isEqualTo(RunState.SUCCEEDED);
    List<String> sourceFiles = storedFiles(source);

    // a warm start from its best: the parameters only, the new run's own phases and counters
    String warm = "trains-warm-started";
    TrainingRun second = example("cartpole-quickstart.yaml", warm);
    second.getSpec().phases.get(0).until.episode = 60L;
    second.getSpec().phases.get(0).until.anyOf = List.of();
    second.getSpec().initFrom = new InitFromSpec();
    second.getSpec().initFrom.run = source;
    client.resource(second).inNamespace(NAMESPACE).create();
    TrainingRunStatus warmed = awaitEnd(warm);

    assertThat(warmed.state).as(diagnostics(warm)).isEqualTo(RunState.SUCCEEDED);
    assertThat(warmed.initializedFrom).isEqualTo(ended.bestCheckpoint.uri);
    assertThat(attemptConfig(warm, 1).initFrom()).isEqualTo(ended.bestCheckpoint.uri);
    List<EpisodeRecord> warmEpisodes = episodes(warm, 1);
    assertThat(warmEpisodes.get(0).episode()).isEqualTo(1);
    double warmStart = meanScore(warmEpisodes.subList(0, 20));
    double randomStart = meanScore(episodes(source, 1).subList(0, 20));
    assertThat(warmStart)
        .as("first 20 episodes: warm-started vs the source's own random start")
        .isGreaterThan(2 * randomStart);
    assertThat(storedFiles(source)).as("the source's storage").isEqualTo(sourceFiles);

    // the source given one more phase, as kubectl apply would: it trains on from its phase end
    String phaseEnd = String.format("ep-000000150-a%04d", ended.attempt);
    client
        .resources(TrainingRun.class)
        .inNamespace(NAMESPACE)
        .withName(source)
        .edit(
            r -> {
              PhaseSpec polish = new PhaseSpec();
              polish.name = "polish";
              polish.until = new UntilSpec();
              polish.until.episode = 250L;
              r.getSpec().phases.add(polish);
              return r;
            });
    TrainingRunStatus extended =
        await(
            source + " to end its new phase",
            () -> status(source),
            s -> s != null && "polish".equals(s.phase) && s.state.isFinal(),
            Duration.ofMinutes(5));

    assertThat(extended.state).as(diagnostics(source)).isEqualTo(RunState.SUCCEEDED);
    assertThat(extended.episode).isEqualTo(250);
    assertThat(extended.history)
        .filteredOn(h -> h.type == HistoryType.EXTENSION)
        .singleElement()
        .satisfies(h -> assertThat(h.reason).endsWith("extended from " + phaseEnd));
    TrainerConfig polishing = attemptConfig(source, extended.attempt);
    assertThat(polishing.phase()).isEqualTo("polish");
    assertThat(polishing.resumeFrom()).endsWith("/" + phaseEnd + "/");
    assertThat(events(source)).anyMatch(e -> "Extended".equals(e.getReason()));
  }

  /**
   * After attempt 1's container was killed: attempt 2 resumes from attempt 1's newest committed
   * checkpoint and the run succeeds after that one restart, whose history reason {@code reason}
   * accepts.
   */
  private TrainingRunStatus resumesFromTheKilledAttemptsNewestCommitAndSucceeds(
      String name, String prefix, Predicate<String> reason) throws Exception {
    TrainerConfig config = attemptConfig(name, 2);
    String newest = newestCommitted(prefix, name, 1);
    assertThat(config.resumeFrom()).as(diagnostics(name)).endsWith("/" + newest + "/");
    TrainingRunStatus done = awaitEnd(name);
    assertThat(done.state).as(diagnostics(name)).isEqualTo(RunState.SUCCEEDED);
    assertThat(done.restarts).isEqualTo(1);
    assertThat(done.history)
        .as(YAML.writeValueAsString(done.history))
        .anyMatch(h -> h.type == HistoryType.RESTART && h.reason != null && reason.test(h.reason));
    return done;
  }

  private TrainingRunStatus awaitEnd(String name) throws Exception {
    return await(
        name + " to end",
        () -> status(name),
        s -> s != null && s.state != null && s.state.isFinal(),
        Duration.ofMinutes(5));
  }

  /** An attempt's per-episode records, as the trainer left them in storage. */
  private List<EpisodeRecord> episodes(String name, int attempt) throws IOException {
    Path file =
        work.resolve("s3/ratchet-checkpoints")
            .resolve(StorageLayout.metricsFile("quickstart", NAMESPACE, name, attempt));
    ObjectMapper json =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    List<EpisodeRecord> records = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        records.add(json.readValue(line, EpisodeRecord.class));
      }
    }
    return records;
  }

  private static double meanScore(List<EpisodeRecord> records) {
    return records.stream().mapToDouble(EpisodeRecord::score).average().orElseThrow();
  }

  /** Every stored file of a run with its size and time, to see that nothing changed. */
  private List<String> storedFiles(String name) throws IOException {
    Path root =
        work.resolve("s3/ratchet-checkpoints")
            .resolve(StorageLayout.runRoot("quickstart", NAMESPACE, name));
    try (var all = Files.walk(root)) {
      List<String> files = new java.util.ArrayList<>();
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        files.add(root.relativize(f) + " " + Files.size(f) + " " + Files.getLastModifiedTime(f));
      }
      return files.stream().sorted().toList();
    }
  }

  /** The trainer config of an attempt, once the operator has written its ConfigMap. */
  private TrainerConfig attemptConfig(String name, int attempt) throws Exception {
    ConfigMap map =
        await(
            "attempt " + attempt + "'s config of " + name,
            () ->
                client
                    .configMaps()
                    .inNamespace(NAMESPACE)
                    .withName(TrainerNames.configMap(name, attempt))
                    .get(),
            m -> m != null,
            Duration.ofMinutes(1));
    return new ObjectMapper()
        .readValue(map.getData().values().iterator().next(), TrainerConfig.class);
  }

  /** The quickstart with no early goal and checkpoints every 50 episodes: it trains a while. */
  private TrainingRun longRun(String name) throws IOException {
    TrainingRun run = example("cartpole-quickstart.yaml", name);
    run.getSpec().phases.get(0).until.episode = 2000L;
    run.getSpec().phases.get(0).until.anyOf = List.of();
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().trainer.restartBackoffSeconds = 1;
    return run;
  }

  /** As {@code kubectl patch tr NAME --type merge -p '{"spec":{"suspend":…}}'} does. */
  private void suspend(String name, boolean suspend) {
    client
        .resources(TrainingRun.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  /** The newest committed checkpoint (manifest written) of one attempt of a quickstart run. */
  private String newestCommitted(String name, int attempt) throws IOException {
    return newestCommitted("quickstart", name, attempt);
  }

  private TrainingRun example(String file, String name) throws IOException {
    TrainingRun run =
        Serialization.unmarshal(
            Files.readString(Artifacts.ROOT.resolve("examples").resolve(file)), TrainingRun.class);
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(NAMESPACE);
    return run;
  }

  private TrainingRunStatus status(String name) {
    TrainingRun run =
        client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName(name).get();
    return run == null ? null : run.getStatus();
  }

  private List<Event> events(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private String diagnostics(String name) throws Exception {
    StringBuilder text = new StringBuilder(YAML.writeValueAsString(status(name)));
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path log = kubelet.log(NAMESPACE, TrainerNames.pod(name, attempt));
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        text.append("\n--- ").append(log).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> text.append(l).append('\n'));
      }
    }
    return text.append(operator.tail(30)).toString();
  }

  private static <T> T await(
      String what, java.util.function.Supplier<T> probe, Predicate<T> done, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  @Test
  void gymnasiumsCartPoleTrainsWithItsServerAsTheTrainerPodsSidecarContainer() throws Exception {
    String name = "trains-gymnasium-cartpole";
    client.resource(gymnasiumRun(name)).inNamespace(NAMESPACE).create();
    // while it trains: both containers run, the server as the pod's native sidecar
    Pod pod =
        await(
            "the trainer and its environment running in " + name,
            () -> client.pods().inNamespace(NAMESPACE).withName(TrainerNames.pod(name, 1)).get(),
            p ->
                p != null
                    && p.getStatus() != null
                    && "Running".equals(p.getStatus().getPhase())
                    && !p.getStatus().getInitContainerStatuses().isEmpty(),
            Duration.ofSeconds(90));
    assertThat(pod.getSpec().getInitContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("environment");
              assertThat(c.getRestartPolicy()).isEqualTo("Always");
              assertThat(c.getImage()).isEqualTo(Podman.ENV_GYMNASIUM_IMAGE);
            });
    assertThat(pod.getStatus().getInitContainerStatuses().get(0).getState().getRunning())
        .isNotNull();
    assertThat(pod.getStatus().getContainerStatuses())
        .extracting("name")
        .containsExactly("trainer");

    TrainingRunStatus done = awaitEnd(name);

    assertThat(done.state).as(diagnostics(name)).isEqualTo(RunState.SUCCEEDED);
    assertThat(done.restarts == null ? 0 : done.restarts).isZero();
    // Gymnasium's CartPole-v1 pays 1 a step up to 500: a random policy scores about 22
    assertThat(done.bestCheckpoint.scoreMean).isGreaterThan(200.0).isLessThanOrEqualTo(500.0);
    assertThat(done.bestCheckpoint.uri)
        .startsWith("s3://ratchet-checkpoints/gymnasium/" + NAMESPACE + "/" + name + "/");
    assertThat(kubelet.log(NAMESPACE, TrainerNames.pod(name, 1), "environment"))
        .content()
        .contains(
            "ratchet-env-serve: serving 8 copies of gymnasium:CartPole-v1 on 127.0.0.1:50061");
  }

  @Test
  void aKilledEnvironmentSidecarEndsTheAttemptAndTheRunResumesFromTheNewestCheckpoint()
      throws Exception {
    String name = "trains-through-an-env-kill";
    TrainingRun run = gymnasiumRun(name);
    run.getSpec().trainer.restartBackoffSeconds = 1;
    client.resource(run).inNamespace(NAMESPACE).create();
    await(
        "a committed checkpoint of " + name,
        () -> status(name),
        s -> s != null && s.latestCheckpoint != null && Integer.valueOf(1).equals(s.attempt),
        Duration.ofMinutes(2));

    String pod = TrainerNames.pod(name, 1);
    Podman.ok(
        List.of("kill", "--signal", "KILL", kubelet.container(NAMESPACE, pod, "environment")));

    // the trainer's next call fails: it exits 5 and the supervisor starts attempt 2 from there
    resumesFromTheKilledAttemptsNewestCommitAndSucceeds(
        name,
        "gymnasium",
        reason ->
            reason.contains("exited with code 5")
                && reason.contains("environment unavailable")
                && reason.contains("went away")
                && !reason.contains("\n"));
    // Whether the kubelet restarts the killed server (its log then says "serving" twice) before
    // it sees the trainer's exit is a race, on a node as here; that attempt 1's server served and
    // attempt 2's did is certain.
    assertThat(kubelet.log(NAMESPACE, pod, "environment")).content().contains("serving 8 copies");
    assertThat(kubelet.log(NAMESPACE, TrainerNames.pod(name, 2), "environment"))
        .content()
        .contains("serving 8 copies");
  }

  @Test
  void theKubeletRestartsAnExitedSidecarWhileTheMainContainerRuns() throws Exception {
    // no trainer: the main container is a second server, which the sidecar's death leaves running
    String name = "trains-sidecar-restart";
    Pod pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withTerminationGracePeriodSeconds(10L)
            .addNewInitContainer()
            .withName("environment")
            .withImage(Podman.ENV_GYMNASIUM_IMAGE)
            .withArgs("gymnasium:CartPole-v1", "--port", "50071")
            .withRestartPolicy("Always")
            .endInitContainer()
            .addNewContainer()
            .withName("main")
            .withImage(Podman.ENV_GYMNASIUM_IMAGE)
            .withArgs("gymnasium:CartPole-v1", "--port", "50072")
            .endContainer()
            .endSpec()
            .build();
    client.pods().inNamespace(NAMESPACE).resource(pod).create();
    await(
        "the sidecar serving",
        () -> kubelet.container(NAMESPACE, name, "environment"),
        c -> c != null,
        Duration.ofSeconds(60));
    await(
        "the sidecar's first log line",
        () -> logOf(kubelet.container(NAMESPACE, name, "environment")),
        log -> log.contains("serving"),
        Duration.ofSeconds(60));

    Podman.ok(
        List.of("kill", "--signal", "KILL", kubelet.container(NAMESPACE, name, "environment")));

    Pod restarted =
        await(
            "the sidecar restarted",
            () -> client.pods().inNamespace(NAMESPACE).withName(name).get(),
            p ->
                p.getStatus() != null
                    && !p.getStatus().getInitContainerStatuses().isEmpty()
                    && p.getStatus().getInitContainerStatuses().get(0).getRestartCount() == 1
                    && p.getStatus().getInitContainerStatuses().get(0).getState().getRunning()
                        != null,
            Duration.ofSeconds(30));
    assertThat(restarted.getStatus().getPhase()).isEqualTo("Running");
    assertThat(
            restarted
                .getStatus()
                .getInitContainerStatuses()
                .get(0)
                .getLastState()
                .getTerminated()
                .getExitCode())
        .isEqualTo(137);
    await(
        "the restarted sidecar serving",
        () -> logOf(kubelet.container(NAMESPACE, name, "environment")),
        log -> log.lines().filter(l -> l.contains("serving")).count() == 2,
        Duration.ofSeconds(60));

    client.pods().inNamespace(NAMESPACE).withName(name).delete();
    await(
        "the pod removed",
        () -> client.pods().inNamespace(NAMESPACE).withName(name).get(),
        p -> p == null,
        Duration.ofSeconds(60));
    // the sidecar's log outlives the pod, as the e2e tests read it
    assertThat(kubelet.log(NAMESPACE, name, "environment"))
        .content()
        .contains("on 127.0.0.1:50071");
  }

  /** What a container has printed so far, or nothing when podman cannot say. */
  private static String logOf(String container) {
    try {
      return container == null ? "" : Podman.ok(List.of("logs", container));
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Gymnasium's CartPole-v1 served from the environment image (examples/gymnasium-cartpole). */
  private TrainingRun gymnasiumRun(String name) throws IOException {
    TrainingRun run = example("gymnasium-cartpole.yaml", name);
    run.getSpec().environment.external.image = Podman.ENV_GYMNASIUM_IMAGE;
    return run;
  }

  /** The newest committed checkpoint of one attempt of a run whose storage prefix is given. */
  private String newestCommitted(String prefix, String name, int attempt) throws IOException {
    Path checkpoints =
        work.resolve("s3/ratchet-checkpoints")
            .resolve(prefix)
            .resolve(NAMESPACE)
            .resolve(name)
            .resolve("checkpoints");
    try (var folders = Files.list(checkpoints)) {
      return folders
          .filter(f -> Files.exists(f.resolve("manifest.json")))
          .filter(f -> f.getFileName().toString().endsWith(String.format("-a%04d", attempt)))
          .map(f -> f.getFileName().toString())
          .max(java.util.Comparator.naturalOrder())
          .orElseThrow();
    }
  }
}

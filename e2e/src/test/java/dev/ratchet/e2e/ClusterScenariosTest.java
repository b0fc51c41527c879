package dev.ratchet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.e2e.cluster.KubeApiServer;
import dev.ratchet.e2e.cluster.Kubectl;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster user's session, through the real clients and the real images: {@code helm install} of
 * the chart (its Deployment's pod runs the operator image as a container), {@code kubectl apply} of
 * the examples, {@code kubectl get tr}, {@code kubectl ratchet …} through kubectl's plugin
 * mechanism, {@code kubectl delete}, {@code helm uninstall}. Every pod runs as a podman container
 * on a pod network of this machine ({@link ContainerKubelet}, {@link PodNetwork}); the one part
 * that is not real is the API server ({@link KubeApiServer}, Fabric8's mock made faithful for these
 * clients). The operator pod gets the API server's address as {@code KUBERNETES_MASTER} instead of
 * a service-account token over TLS. Checkpoints go to an S3 server on the pod network's gateway,
 * the chart's {@code storage.endpoint}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScenariosTest {

  private static final String SYSTEM = "ratchet-system";
  private static final String NS = "research";
  private static final Path EXAMPLES = Artifacts.ROOT.resolve("examples");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path work;

  private PodNetwork network;
  private KubeApiServer api;
  private EmbeddedS3Server s3;
  private ContainerKubelet kubelet;
  private DeploymentController deployments;
  private Kubectl kubectl;

  @BeforeAll
  void installTheChart() throws Exception {
    Podman.buildImages();
    network = PodNetwork.create();
    api = KubeApiServer.start(network.gateway());
    s3 = EmbeddedS3Server.start(work.resolve("s3"), network.gateway(), Artifacts.freePort());
    s3.ensureBucket("ratchet-checkpoints");
    kubelet =
        new ContainerKubelet(api.client(), network, work.resolve("pods"), pod -> true, api.url());
    deployments = new DeploymentController(api.client());
    kubectl = new Kubectl(api, Files.createDirectories(work.resolve("kubectl")));

    Release release =
        Helm.install(Artifacts.ROOT.resolve("helm/ratchet").toString())
            .withName("ratchet")
            .withNamespace(SYSTEM)
            .createNamespace()
            .set("image.repository", "localhost/ratchet-operator")
            .set("image.tag", "dev")
            .set("image.pullPolicy", "Never")
            .set("trainer.image", Podman.TRAINER_IMAGE)
            .set("storage.endpoint", s3.endpoint())
            .set("pollInterval", "1s")
            .set("trainer.preemptGracePeriod", "20s")
            .withKubeConfig(kubectl.kubeconfig())
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    await(
        "the operator pod ready",
        () -> api.client().apps().deployments().inNamespace(SYSTEM).list().getItems(),
        list ->
            list.size() == 1
                && list.get(0).getStatus() != null
                && Integer.valueOf(1).equals(list.get(0).getStatus().getReadyReplicas()),
        Duration.ofMinutes(3));

    ok(kubectl.run("create", "namespace", NS));
    ok(
        kubectl.run(
            "-n",
            NS,
            "create",
            "secret",
            "generic",
            "ratchet-s3",
            "--from-literal=accessKey=" + EmbeddedS3Server.ACCESS_KEY,
            "--from-literal=secretKey=" + EmbeddedS3Server.SECRET_KEY));
  }

  @AfterAll
  void stop() {
    if (deployments != null) {
      deployments.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    try {
      if (s3 != null) {
        s3.close();
      }
    } catch (Exception e) {
      // closing
    }
    if (api != null) {
      api.close();
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(1)
  void theDivergenceDemoAppliedWithKubectlCollapsesRollsBackAndSucceeds() throws Exception {
    String name = "cartpole-divergence-demo";
    ok(kubectl.run("apply", "-n", NS, "-f", EXAMPLES.resolve(name + ".yaml").toString()));

    Set<String> seen = new LinkedHashSet<>();
    String last =
        await(
            name + " to end, as kubectl get tr shows it",
            () -> {
              String table = ok(kubectl.run("get", "tr", "-n", NS));
              seen.add(table);
              return table;
            },
            table -> table.contains("Succeeded") || table.contains("Failed"),
            Duration.ofMinutes(6));

    assertThat(seen.iterator().next())
        .contains("NAME", "STATE", "PHASE", "EPISODE", "SCORE", "BEST", "ROLLBACKS", "AGE");
    assertThat(seen).as("the printer columns move while it trains").hasSizeGreaterThan(2);
    assertThat(last).as(diagnostics(name)).contains("Succeeded");
    String rollbacks =
        ok(kubectl.run("get", "tr", name, "-n", NS, "-o", "jsonpath={.status.rollbacks}"));
    assertThat(Integer.parseInt(rollbacks.strip())).as(diagnostics(name)).isGreaterThanOrEqualTo(1);

    String status = ok(kubectl.plugin("ratchet", "status", name, "-n", NS));
    assertThat(status).contains("Succeeded").contains("Rollback").doesNotContain("WARN");
    Path report = work.resolve("report");
    // the chart's storage as a user reaches it from outside (after a port-forward)
    ok(
        kubectl.plugin(
            "ratchet",
            "report",
            name,
            "-n",
            NS,
            "--s3-endpoint",
            s3.endpoint(),
            "--out",
            report.toString()));
    assertThat(report.resolve("report.md")).content().contains(name);
  }

  @Test
  @Order(2)
  void aBadEnvironmentOptionIsRefusedWithTheFieldInKubectlDescribe() throws Exception {
    String name = "typo";
    String yaml =
        Files.readString(EXAMPLES.resolve("cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + name)
            .replace("    seed: 42", "    seed: 42\n    options:\n      gravity: 9.81");
    ok(kubectl.runWithInput(yaml, "apply", "-n", NS, "-f", "-"));

    await(
        name + " to fail",
        () -> ok(kubectl.run("get", "tr", name, "-n", NS, "-o", "jsonpath={.status.state}")),
        state -> state.contains("Failed"),
        Duration.ofMinutes(1));
    String described = ok(kubectl.run("describe", "tr", name, "-n", NS));
    assertThat(described)
        .contains("spec.environment.options.gravity")
        .contains("Warning"); // the event beside the status
    assertThat(api.client().pods().inNamespace(NS).withName(TrainerNames.pod(name, 1)).get())
        .as("no trainer was started for a spec that cannot run")
        .isNull();
  }

  @Test
  @Order(3)
  void aRollbackAskedThroughKubectlIsDoneOnceAcrossAnOperatorKillAndASuspendPreempts()
      throws Exception {
    String name = "steered";
    String yaml =
        Files.readString(EXAMPLES.resolve("cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + name)
            .replace("      episode: 1000\n", "      episode: 4000\n")
            .replace(
                "      anyOf:\n      - metric: scoreMean\n        above: 475\n        forEpisodes: 20\n",
                "")
            .replace("everyEpisodes: 100", "everyEpisodes: 50");
    ok(kubectl.runWithInput(yaml, "apply", "-n", NS, "-f", "-"));
    await(
        name + " to have a best checkpoint",
        () -> jsonpath(name, "{.status.bestCheckpoint.id}"),
        id -> !id.isBlank(),
        Duration.ofMinutes(2));

    String asked = ok(kubectl.plugin("ratchet", "rollback", name, "-n", NS));
    assertThat(asked).contains("roll back to best (nonce 1)");
    // the operator dies before (or while) carrying it out; its Deployment starts another
    Pod operator = api.client().pods().inNamespace(SYSTEM).list().getItems().get(0);
    Podman.ok(
        List.of(
            "kill",
            "--signal",
            "KILL",
            kubelet.container(SYSTEM, operator.getMetadata().getName())));
    await(
        "a new operator pod ready",
        () -> api.client().pods().inNamespace(SYSTEM).list().getItems(),
        pods ->
            pods.stream()
                .anyMatch(
                    p ->
                        !p.getMetadata().getName().equals(operator.getMetadata().getName())
                            && p.getStatus() != null
                            && p.getStatus().getConditions() != null
                            && p.getStatus().getConditions().stream()
                                .anyMatch(
                                    c ->
                                        "Ready".equals(c.getType())
                                            && "True".equals(c.getStatus()))),
        Duration.ofMinutes(2));
    await(
        "the manual rollback in " + name + "'s history",
        () -> jsonpath(name, "{.status.history[*].type}"),
        types -> types.contains("ManualRollback"),
        Duration.ofMinutes(2));
    await(
        "the rolled-back attempt training",
        () -> jsonpath(name, "{.status.state}"),
        state -> state.equals("Running"),
        Duration.ofMinutes(1));
    Thread.sleep(5000); // time for a second, wrong rollback to show
    assertThat(jsonpath(name, "{.status.history[*].type}").split(" "))
        .as("exactly one manual rollback")
        .filteredOn("ManualRollback"::equals)
        .hasSize(1);
    assertThat(trainerPods(name)).as("one trainer, adopted by the new operator").hasSize(1);
    // the new operator adopted the trainer: no restart (the run may still roll back on its own,
    // as the quickstart collapses around episode 325, which is why the attempt is not compared)
    assertThat(jsonpath(name, "{.status.history[*].type}").split(" ")).doesNotContain("Restart");

    ok(
        kubectl.run(
            "patch",
            "tr",
            name,
            "-n",
            NS,
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"suspend\":true}}"));
    await(
        name + " suspended with its trainer gone",
        () -> jsonpath(name, "{.status.state}"),
        state -> state.equals("Suspended") && trainerPods(name).isEmpty(),
        Duration.ofMinutes(1));
    List<Path> committed = checkpoints(name);
    assertThat(committed.get(committed.size() - 1).resolve("manifest.json"))
        .content()
        .as("SIGTERM within the grace period committed a preempt checkpoint")
        .contains("\"kind\":\"preempt\"");
    ok(kubectl.run("delete", "tr", name, "-n", NS, "--timeout=60s"));
  }

  private String jsonpath(String run, String path) {
    return ok(kubectl.run("get", "tr", run, "-n", NS, "-o", "jsonpath=" + path)).strip();
  }

  /** The run's trainer pods that have not ended. */
  private List<Pod> trainerPods(String run) {
    return api
        .client()
        .pods()
        .inNamespace(NS)
        .withLabel(TrainerLabels.RUN, run)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getStatus() == null
                    || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
        .toList();
  }

  @Test
  @Order(4)
  void deletingARunClearsItsStorageWhenAskedAndUninstallingLeavesCheckpoints() throws Exception {
    String kept = "cartpole-quickstart";
    ok(kubectl.run("apply", "-n", NS, "-f", EXAMPLES.resolve(kept + ".yaml").toString()));
    String cleared = "cleared";
    String yaml =
        Files.readString(EXAMPLES.resolve("cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + cleared)
            .replace("    keepLast: 3", "    keepLast: 3\n    deleteOnRunDeletion: true");
    ok(kubectl.runWithInput(yaml, "apply", "-n", NS, "-f", "-"));
    for (String name : List.of(kept, cleared)) {
      await(
          name + " to end",
          () -> ok(kubectl.run("get", "tr", name, "-n", NS, "-o", "jsonpath={.status.state}")),
          state -> state.contains("Succeeded") || state.contains("Failed"),
          Duration.ofMinutes(5));
    }
    assertThat(checkpoints(cleared)).isNotEmpty();

    ok(kubectl.run("delete", "tr", cleared, "-n", NS, "--timeout=60s"));
    assertThat(kubectl.run("get", "tr", cleared, "-n", NS).stderr()).contains("NotFound");
    assertThat(checkpoints(cleared)).as("deleteOnRunDeletion cleared its storage").isEmpty();

    List<Path> before = checkpoints(kept);
    assertThat(before).isNotEmpty();
    Helm.uninstall("ratchet").withNamespace(SYSTEM).withKubeConfig(kubectl.kubeconfig()).call();
    await(
        "the operator pod gone",
        () -> api.client().pods().inNamespace(SYSTEM).list().getItems(),
        List::isEmpty,
        Duration.ofMinutes(2));
    assertThat(checkpoints(kept)).as("helm uninstall leaves runs' checkpoints").isEqualTo(before);
    assertThat(ok(kubectl.run("get", "tr", "-n", NS))).contains(kept);
  }

  /** The committed checkpoint folders of a run in the chart's storage. */
  private List<Path> checkpoints(String run) throws Exception {
    Path dir =
        work.resolve("s3/ratchet-checkpoints/quickstart")
            .resolve(NS)
            .resolve(run)
            .resolve("checkpoints");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> folders = Files.list(dir)) {
      return folders.filter(f -> Files.exists(f.resolve("manifest.json"))).sorted().toList();
    }
  }

  private String diagnostics(String run) {
    StringBuilder text = new StringBuilder();
    text.append(kubectl.run("get", "tr", run, "-n", NS, "-o", "yaml").stdout());
    for (Pod pod : api.client().pods().inAnyNamespace().list().getItems()) {
      try {
        Path log = kubelet.log(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        if (Files.exists(log)) {
          List<String> lines = Files.readAllLines(log);
          text.append("\n--- ").append(pod.getMetadata().getName()).append('\n');
          lines
              .subList(Math.max(0, lines.size() - 40), lines.size())
              .forEach(l -> text.append(l).append('\n'));
        }
      } catch (Exception e) {
        text.append("\n(no log of ").append(pod.getMetadata().getName()).append(")");
      }
    }
    return text.toString();
  }

  private static String ok(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result.stdout();
  }

  private static <T> T await(String what, Supplier<T> probe, Predicate<T> done, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    T value = null;
    while (Instant.now().isBefore(deadline)) {
      value = probe.get();
      if (done.test(value)) {
        return value;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": " + value);
  }
}

package dev.ratchet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring story checked against a real Prometheus: it scrapes the packaged operator
 * (reconciling on the mock API server) and two local-mode runs — a mixture-of-experts run through
 * its phases and the divergence demo — with the chart's alert rules loaded; then every PromQL
 * expression of both dashboards must return data and every alert of the chart must have fired, each
 * for the run whose drill provokes it: the divergence demo, a run fed NaN until its rollbacks run
 * out, a run whose trainer is stopped with SIGSTOP, a trainer whose S3 server goes away, and the
 * MoE run whose routing stays outside its band.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class MonitoringEndToEndTest {

  private static final Path ROOT = Artifacts.ROOT;
  private static final Path RULES = ROOT.resolve("helm/ratchet/rules/ratchet-alerts.yaml");
  private static final Path DASHBOARDS = ROOT.resolve("helm/ratchet/dashboards");
  private static final Path MOE_RUN =
      Path.of("src/test/resources/moe-phases.yaml").toAbsolutePath();
  private static final Path DIVERGENCE_RUN = ROOT.resolve("examples/cartpole-divergence-demo.yaml");
  private static final Path FAULTS_RUN = Path.of("src/test/resources/faults.yaml").toAbsolutePath();
  private static final Path STALL_RUN = Path.of("src/test/resources/stall.yaml").toAbsolutePath();

  /** Every alert of the chart, and the run whose drill must make it fire. */
  private static final Map<String, String> ALERT_RUNS =
      Map.of(
          "RatchetRunDiverged", "cartpole-divergence-demo",
          "RatchetNonFiniteValues", "faults",
          "RatchetRollbackLimitReached", "faults",
          "RatchetRunStalled", "stall",
          "RatchetCheckpointFailing", "storage-outage",
          "RatchetRouterUnhealthy", "moe-phases");

  private static final String NAMESPACE = "research";
  private static final Pattern BEST_BEFORE = Pattern.compile("the best (-?[0-9.]+) seen");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir Path work;

  @Test
  void rulesFileLoadsInPromtool() throws Exception {
    try (ChildProcess promtool =
        ChildProcess.start(
            "promtool",
            List.of(PrometheusServer.binary("promtool"), "check", "rules", RULES.toString()),
            work.resolve("promtool.log"))) {
      int code = promtool.waitFor(Duration.ofSeconds(60));
      assertThat(code).as("promtool check rules %s\n%s", RULES, promtool.output()).isZero();
      assertThat(promtool.output()).contains("SUCCESS: 6 rules found");
    }
  }

  @Test
  void everyDashboardQueryReturnsDataAndEveryAlertFiresForItsDrill() throws Exception {
    Instant start = Instant.now();
    int operatorPort = Artifacts.freePort();
    int moePort = Artifacts.freePort();
    int divergencePort = Artifacts.freePort();
    int faultsPort = Artifacts.freePort();
    int stallPort = Artifacts.freePort();
    int trainerPort = Artifacts.freePort();
    int prometheusPort = Artifacts.freePort();
    applyClusterState();
    Map<String, PrometheusServer.Target> targets = new LinkedHashMap<>();
    targets.put("operator", new PrometheusServer.Target("127.0.0.1:" + operatorPort, "/q/metrics"));
    targets.put("local-moe", new PrometheusServer.Target("127.0.0.1:" + moePort, "/metrics"));
    targets.put(
        "local-divergence", new PrometheusServer.Target("127.0.0.1:" + divergencePort, "/metrics"));
    targets.put("local-faults", new PrometheusServer.Target("127.0.0.1:" + faultsPort, "/metrics"));
    targets.put("local-stall", new PrometheusServer.Target("127.0.0.1:" + stallPort, "/metrics"));
    targets.put("trainer", new PrometheusServer.Target("127.0.0.1:" + trainerPort, "/metrics"));

    try (ChildProcess operator = startOperator(operatorPort);
        PrometheusServer prometheus =
            PrometheusServer.start(work.resolve("prometheus"), prometheusPort, targets, RULES)) {
      PackagedOperator.awaitReady(operator, operatorPort);
      awaitReconciled(operator);

      runLocally("moe", MOE_RUN, moePort, List.of(0));
      // Succeeded, or Failed once its automatic rollbacks are used up: both show the rollback.
      runLocally("divergence", DIVERGENCE_RUN, divergencePort, List.of(0, 1));
      assertDemoRolledBackKeepingItsBest(work.resolve("divergence/cartpole-divergence-demo"));
      // NaN from the environment: non-finite updates, a rollback, then Failed with none left
      runLocally("faults", FAULTS_RUN, faultsPort, List.of(1));
      // a trainer stopped with SIGSTOP once it trains: found stalled, killed, restarted
      runLocally("stall", STALL_RUN, stallPort, List.of(0), MonitoringEndToEndTest::stopTrainer);
      trainWithStorageGone(trainerPort, prometheus);
      Thread.sleep(3_000); // the last scrapes and rule evaluations

      Instant end = Instant.now();
      List<String> failures = new ArrayList<>();
      for (Path dashboard : dashboards()) {
        for (DashboardQueries.Query q : DashboardQueries.read(dashboard)) {
          failures.addAll(check(prometheus, q, start, end));
        }
      }
      for (var alert : new java.util.TreeMap<>(ALERT_RUNS).entrySet()) {
        JsonNode fired =
            prometheus.queryRange(
                "ALERTS{alertname=\""
                    + alert.getKey()
                    + "\",alertstate=\"firing\",run=\""
                    + alert.getValue()
                    + "\"}",
                start,
                end,
                Duration.ofSeconds(2));
        if (fired.isEmpty()) {
          failures.add("alert " + alert.getKey() + " never fired for run " + alert.getValue());
        } else {
          System.out.printf("alert %s fired for run %s%n", alert.getKey(), alert.getValue());
        }
      }
      assertThat(failures)
          .as("dashboard queries and alerts against Prometheus (targets: %s)", prometheus.targets())
          .isEmpty();
    }
  }

  /** Panels must show the MoE run; annotations either run; variables list the local runs. */
  private List<String> check(
      PrometheusServer prometheus, DashboardQueries.Query q, Instant start, Instant end)
      throws Exception {
    String label = q.dashboard() + " / " + q.kind() + " \"" + q.where() + "\"";
    List<String> runs =
        switch (q.kind()) {
          case PANEL -> List.of("moe-phases");
          case ANNOTATION, VARIABLE -> List.of("moe-phases", "cartpole-divergence-demo");
        };
    if (q.kind() == DashboardQueries.Kind.VARIABLE) {
      Matcher m =
          LABEL_VALUES.matcher(q.resolve(Map.of("namespace", "local", "datasource", "prometheus")));
      if (!m.matches()) {
        return List.of(label + ": not a label_values(selector, label) query: " + q.expr());
      }
      String name = m.group(2);
      List<String> values = new ArrayList<>();
      prometheus.series(m.group(1), start, end).forEach(s -> values.add(s.path(name).asText()));
      String expected = name.equals("namespace") ? "local" : runs.get(0);
      return values.contains(expected)
          ? List.of()
          : List.of(label + " lists " + values + ", not " + expected);
    }
    for (String run : runs) {
      String expr = q.resolve(Map.of("namespace", "local", "run", run, "datasource", "prometheus"));
      try {
        if (!prometheus.queryRange(expr, start, end, Duration.ofSeconds(2)).isEmpty()) {
          return List.of();
        }
      } catch (AssertionError refused) {
        return List.of(label + ": " + refused.getMessage());
      }
    }
    return List.of(label + " returned no data for " + runs + ": " + q.expr());
  }

  private void applyClusterState() throws IOException {
    try (InputStream crd =
        new FileInputStream(ROOT.resolve("crds/trainingruns.ratchet.dev-v1.yml").toFile())) {
      client.load(crd).create();
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    try (InputStream run =
        new FileInputStream(ROOT.resolve("examples/cartpole-quickstart.yaml").toFile())) {
      client.load(run).inNamespace(NAMESPACE).create();
    }
  }

  private ChildProcess startOperator(int port) throws IOException {
    return PackagedOperator.start(
        server.url("/"), NAMESPACE, port, List.of(), work.resolve("operator.log"));
  }

  /** The operator has written a status on the run it watches (so its reconcile series exist). */
  private void awaitReconciled(ChildProcess operator) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      var run =
          client
              .genericKubernetesResources("ratchet.dev/v1alpha1", "TrainingRun")
              .inNamespace(NAMESPACE)
              .withName("cartpole-quickstart")
              .get();
      if (run != null && run.getAdditionalProperties().get("status") != null) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the operator wrote no status within 60 s\n" + operator.tail(80));
  }

  /**
   * The divergence demo's promise: at least one rollback, a best checkpoint at the end no worse
   * than the best before the first rollback, and a report that shows it.
   */
  private static void assertDemoRolledBackKeepingItsBest(Path runDir) throws IOException {
    JsonNode status =
        new ObjectMapper(new YAMLFactory()).readTree(runDir.resolve("status.yaml").toFile());
    assertThat(status.path("rollbacks").asInt()).as("rollbacks in %s", status).isPositive();
    JsonNode first = null;
    for (JsonNode h : status.path("history")) {
      if (h.path("type").asText().equals("Rollback")) {
        first = h;
        break;
      }
    }
    assertThat(first).as("a Rollback in the history of %s", status).isNotNull();
    Matcher best = BEST_BEFORE.matcher(first.path("reason").asText());
    assertThat(best.find()).as("best score in %s", first).isTrue();
    assertThat(status.path("bestCheckpoint").path("scoreMean").asDouble())
        .as("best at the end vs before the first rollback (%s)", first.path("reason").asText())
        // The reason prints the best with one decimal.
        .isGreaterThanOrEqualTo(Double.parseDouble(best.group(1)) - 0.05);
    String report = Files.readString(runDir.resolve("report/report.md"));
    assertThat(report).contains("## Rollbacks").contains("| automatic |");
    assertThat(javax.imageio.ImageIO.read(runDir.resolve("report/score.png").toFile())).isNotNull();
  }

  /** Stops the local run's trainer with SIGSTOP once it has trained a few seconds. */
  private static void stopTrainer(ChildProcess local) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      var trainer =
          local
              .children()
              .filter(p -> p.info().commandLine().orElse("").contains("ratchet-trainer"))
              .findFirst();
      if (trainer.isPresent()) {
        Thread.sleep(6_000); // JVM start, engine load, a few updates
        new ProcessBuilder("kill", "-STOP", Long.toString(trainer.get().pid())).start().waitFor();
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the stall run started no trainer\n" + local.tail(40));
  }

  /**
   * A trainer (the packaged jar, as in a pod) whose S3 server stops while it trains: its checkpoint
   * uploads fail after their retries and it counts them; RatchetCheckpointFailing must fire.
   */
  private void trainWithStorageGone(int metricsPort, PrometheusServer prometheus) throws Exception {
    String bucket = "ratchet-checkpoints";
    try (EmbeddedS3Server s3 =
        EmbeddedS3Server.start(work.resolve("storage-outage-s3"), Artifacts.freePort())) {
      s3.ensureBucket(bucket);
      EnvironmentSpec env = new EnvironmentSpec();
      env.name = EnvironmentName.CARTPOLE;
      env.numEnvs = 8;
      env.maxStepsPerEpisode = 200;
      env.seed = 5;
      PpoSpec ppo = new PpoSpec();
      ppo.rolloutSteps = 64;
      ppo.learningRate = 1e-3;
      TrainerConfig config =
          new TrainerConfig(
              NAMESPACE,
              "storage-outage",
              1,
              "train",
              0,
              0,
              1_000_000,
              null,
              env,
              new ModelSpec(),
              ppo,
              null,
              null,
              null,
              new TrainerConfig.CheckpointPolicy(20, RunMetric.SCORE_MEAN, 20),
              new TrainerConfig.StorageLocation(s3.endpoint(), bucket, "e2e", "us-east-1"),
              Device.CPU,
              20,
              metricsPort,
              60,
              null);
      Path configFile = work.resolve("storage-outage.json");
      new ObjectMapper().writeValue(configFile.toFile(), config);
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  Artifacts.trainerJar().toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("storage-outage.log").toFile());
      builder.environment().put(TrainerEnv.CONFIG, configFile.toString());
      builder.environment().put(TrainerEnv.S3_ACCESS_KEY, EmbeddedS3Server.ACCESS_KEY);
      builder.environment().put(TrainerEnv.S3_SECRET_KEY, EmbeddedS3Server.SECRET_KEY);
      Process trainer = builder.start();
      try {
        Thread.sleep(8_000); // it trains and commits a few checkpoints
        s3.close(); // the port refuses connections from now on
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
          if (!prometheus
              .queryInstant("ALERTS{alertname=\"RatchetCheckpointFailing\",run=\"storage-outage\"}")
              .isEmpty()) {
            return;
          }
          if (!trainer.isAlive()) {
            throw new AssertionError(
                "the trainer exited during the outage\n"
                    + Files.readString(work.resolve("storage-outage.log")));
          }
          Thread.sleep(1_000);
        }
        List<String> log = Files.readAllLines(work.resolve("storage-outage.log"));
        throw new AssertionError(
            "RatchetCheckpointFailing did not fire within 2 minutes of the outage; failures counted: "
                + prometheus.queryInstant(
                    "ratchet_checkpoint_failures_total{run=\"storage-outage\"}")
                + "\n"
                + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
      } finally {
        trainer.destroyForcibly().waitFor();
      }
    }
  }

  /** Something a test does while a local run goes on. */
  private interface During {
    void accept(ChildProcess local) throws Exception;
  }

  private void runLocally(String name, Path file, int port, List<Integer> exitCodes)
      throws Exception {
    runLocally(name, file, port, exitCodes, local -> {});
  }

  private void runLocally(String name, Path file, int port, List<Integer> exitCodes, During during)
      throws Exception {
    Path cli = Artifacts.cliJar();
    Path trainer = Artifacts.trainerJar();
    try (ChildProcess local =
        ChildProcess.java(
            "ratchet local run " + file.getFileName(),
            List.of(
                "-Dratchet.trainer.jar=" + trainer,
                "-jar",
                cli.toString(),
                "local",
                "run",
                file.toString(),
                "--workdir",
                work.resolve(name).toString(),
                "--port",
                Integer.toString(port),
                // a run that ends (Failed, say) stays scraped a little, as an operator's would
                "--metrics-linger",
                "4"),
            work.resolve(name + ".log"))) {
      during.accept(local);
      int code = local.waitFor(Duration.ofMinutes(8));
      assertThat(exitCodes)
          .as("exit code of ratchet local run %s\n%s", file, local.tail(40))
          .contains(code);
    }
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }
}

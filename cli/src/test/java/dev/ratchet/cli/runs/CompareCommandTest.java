package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.report.ReportTables;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl ratchet compare -l SELECTOR --out DIR} against a cluster — the Fabric8 mock API
 * server reached through a kubeconfig — whose runs keep their records in a real S3 server.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class CompareCommandTest {

  static final Path ROOT = Path.of("..");
  static final String NS = "research";

  static KubernetesMockServer server;
  static KubernetesClient client;
  static EmbeddedS3Server s3;
  static Path s3Dir;

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void startStorage() throws Exception {
    s3Dir = Files.createTempDirectory("ratchet-compare-s3");
    s3 = EmbeddedS3Server.start(s3Dir);
  }

  @AfterAll
  static void stopStorage() throws Exception {
    s3.close();
  }

  @BeforeEach
  void cluster() throws Exception {
    try (InputStream crd =
        new FileInputStream(ROOT.resolve("crds/trainingruns.ratchet.dev-v1.yml").toFile())) {
      client.load(crd).createOrReplace();
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(n -> n.update());
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ratchet-s3")
                .endMetadata()
                .addToStringData("accessKey", EmbeddedS3Server.ACCESS_KEY)
                .addToStringData("secretKey", EmbeddedS3Server.SECRET_KEY)
                .build())
        .createOr(n -> n.update());
    String bucket = "compare-" + System.nanoTime();
    s3.ensureBucket(bucket);
    // Two runs of the learning-rate experiment and one of another, all three stored.
    storedRun("lr-high", Map.of("experiment", "lr"), bucket, 3.0);
    storedRun("lr-low", Map.of("experiment", "lr"), bucket, 1.0);
    storedRun("unrelated", Map.of("experiment", "other"), bucket, 2.0);
    MockKubeconfig.use(tmp.resolve("kubeconfig"), server.url("/"), NS);
  }

  @AfterEach
  void forgetKubeconfig() {
    System.clearProperty("kubeconfig");
    System.clearProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY);
    for (String name : List.of("lr-high", "lr-low", "unrelated")) {
      client.resources(TrainingRun.class).inNamespace(NS).withName(name).delete();
    }
  }

  /** The quickstart under another name and labels, with 200 recorded episodes learning at pace. */
  private static void storedRun(String name, Map<String, String> labels, String bucket, double pace)
      throws Exception {
    TrainingRun run;
    try (InputStream in =
        new FileInputStream(ROOT.resolve("examples/cartpole-quickstart.yaml").toFile())) {
      run = client.resources(TrainingRun.class).load(in).item();
    }
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(NS);
    run.getMetadata().setLabels(labels);
    run.getSpec().checkpoints.storage.endpoint = s3.endpoint();
    run.getSpec().checkpoints.storage.bucket = bucket;
    run.getSpec().ppo.learningRate = pace / 1000;
    TrainingRun created = client.resources(TrainingRun.class).resource(run).create();
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 200L;
    created.setStatus(status);
    client.resources(TrainingRun.class).resource(created).updateStatus();

    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    Instant start = Instant.parse("2026-11-23T10:00:00Z");
    for (long e = 1; e <= 200; e++) {
      double score = Math.min(500, 10 + e * pace + (e % 7) * 3);
      EpisodeRecord r =
          new EpisodeRecord(
              e,
              score,
              1.0,
              (int) score,
              e <= 100 ? "explore" : "train",
              1,
              e * 100,
              start.plusSeconds(2 * e).toString(),
              null,
              null,
              null,
              null,
              score >= 500);
      lines.append(json.writeValueAsString(r)).append('\n');
    }
    byte[] data = lines.toString().getBytes(StandardCharsets.UTF_8);
    var storage = run.getSpec().checkpoints.storage;
    s3.client()
        .putObject(
            PutObjectArgs.builder()
                .bucket(bucket)
                .object(StorageLayout.metricsFile(storage.prefix, NS, name, 1))
                .stream(new ByteArrayInputStream(data), data.length, -1)
                .build());
  }

  /** The command run in this test's own folder, so that no .ratchet of the checkout is seen. */
  private Result ratchet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RatchetCommand.newCommandLine(tmp)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void runsChosenByLabelAreComparedWithTheFiguresOfTheirOwnReports() throws Exception {
    Result r = ratchet("compare", "-l", "experiment=lr", "--out", "lr", "--every", "50");

    assertThat(r.code()).as(r.err()).isZero();
    Path md = tmp.resolve("lr").resolve("report.md");
    assertThat(r.out()).isEqualTo("Comparison of lr-high, lr-low: " + md + System.lineSeparator());
    List<String> phases = new ArrayList<>();
    for (String run : List.of("lr-high", "lr-low")) {
      Result own = ratchet("report", run, "--out", "own-" + run);
      assertThat(own.code()).as(own.err()).isZero();
      ReportTables.rows(tmp.resolve("own-" + run).resolve("report.md"), "Phases")
          .forEach(row -> phases.add(ReportTables.withRun(run, row)));
    }
    assertThat(ReportTables.rows(md, "Phases")).hasSize(4).containsExactlyElementsOf(phases);
    assertThat(ReportTables.rows(md, "Every 50 episodes")).hasSize(8);
    assertThat(Files.readString(md))
        .doesNotContain("unrelated")
        // 200 records two seconds apart
        .contains(
            "| lr-high | research | Succeeded | 200 of 200 (1–200) | explore → train | 20 |"
                + " 6 min 38 s |");
    assertThat(tmp.resolve("lr").resolve("score.png")).isRegularFile();
    // what the two runs' specs differ in, and only that
    assertThat(ReportTables.rows(md, "What differs"))
        .containsExactly("| `ppo.learningRate` | 0.003 | 0.001 |");
  }

  @Test
  void namedRunsComeFirstAndARunNamedAndSelectedIsComparedOnce() throws Exception {
    Result r =
        ratchet("compare", "unrelated", "lr-low", "-l", "experiment", "-n", NS, "--out", "all");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Comparison of unrelated, lr-low, lr-high: ");
  }

  @Test
  void fewerThanTwoRunsIsRefusedNamingWhatWasFound() {
    Result r = ratchet("compare", "-l", "experiment=other", "--out", "x");

    assertThat(r.code()).isEqualTo(RatchetCommand.EXIT_FAILURE);
    assertThat(r.err())
        .contains("compare needs two runs or more, and only unrelated matched -l experiment=other")
        .contains("namespace " + NS);
  }

  @Test
  void usageMistakesNameTheOptionToFix() {
    Result none = ratchet("compare", "--out", "x");
    assertThat(none.code()).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(none.err()).contains("name the runs to compare").contains("-l");

    Result every = ratchet("compare", "lr-high", "lr-low", "--out", "x", "--every", "0");
    assertThat(every.code()).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(every.err()).contains("--every takes the episodes per segment, 1 or more");

    Result report = ratchet("report", "lr-high", "--every", "-5");
    assertThat(report.code()).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(report.err()).contains("--every").contains("not -5");

    Result selector = ratchet("compare", "-l", "experiment in (lr)", "--out", "x");
    assertThat(selector.code()).isEqualTo(RatchetCommand.EXIT_FAILURE);
    assertThat(selector.err())
        .contains("-l experiment in (lr): cannot read 'experiment in (lr)'")
        .contains("key=value");
  }
}

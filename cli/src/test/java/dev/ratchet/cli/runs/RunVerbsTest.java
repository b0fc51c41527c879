package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.local.LocalPlatform;
import dev.ratchet.cli.local.RollbackRequestFile;
import dev.ratchet.cli.local.StatusFile;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run verbs ({@code kubectl ratchet status|checkpoints|rollback|report}) against a cluster —
 * the Fabric8 mock API server in CRUD mode, reached through a kubeconfig as kubectl would — whose
 * run stores its checkpoints and records in a real S3 server.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RunVerbsTest {

  static final Path ROOT = Path.of("..");
  static final String NS = "research";
  static final String RUN = "cartpole-quickstart";

  static KubernetesMockServer server;
  static KubernetesClient client;
  static EmbeddedS3Server s3;
  static Path s3Dir;

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void startStorage() throws Exception {
    s3Dir = Files.createTempDirectory("ratchet-verbs-s3");
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
    TrainingRun run;
    try (InputStream in =
        new FileInputStream(ROOT.resolve("examples/cartpole-quickstart.yaml").toFile())) {
      run = client.resources(TrainingRun.class).load(in).item();
    }
    run.getMetadata().setNamespace(NS);
    run.getSpec().checkpoints.storage.endpoint = s3.endpoint();
    run.getSpec().checkpoints.storage.bucket = "verbs-" + System.nanoTime();
    s3.ensureBucket(run.getSpec().checkpoints.storage.bucket);
    TrainingRun created = client.resources(TrainingRun.class).resource(run).create();
    created.setStatus(status());
    client.resources(TrainingRun.class).resource(created).updateStatus();
    storeFiles(run);
    // The kubeconfig kubectl would use, with the run's namespace as the current one.
    MockKubeconfig.use(tmp.resolve("kubeconfig"), server.url("/"), NS);
  }

  @AfterEach
  void forgetKubeconfig() {
    System.clearProperty("kubeconfig");
    System.clearProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY);
    client.resources(TrainingRun.class).inNamespace(NS).withName(RUN).delete();
  }

  private static TrainingRunStatus status() {
    TrainingRunStatus s = new TrainingRunStatus();
    s.state = RunState.RUNNING;
    s.phase = "train";
    s.phaseIndex = 0;
    s.episode = 300L;
    s.attempt = 2;
    s.rollbacks = 1;
    s.bestCheckpoint = ref("ep-000000200-a0001", 200, 180.5);
    s.latestCheckpoint = ref("ep-000000300-a0002", 300, 150.0);
    HistoryEntry h = new HistoryEntry();
    h.time = "2026-11-23T10:00:00Z";
    h.type = HistoryType.ROLLBACK;
    h.episode = 250L;
    h.to = "ep-000000200-a0001";
    h.reason = "scoreMean 40.0 fell below 0.5 x best 180.5";
    s.history.add(h);
    return s;
  }

  private static CheckpointRef ref(String id, long episode, double score) {
    CheckpointRef r = new CheckpointRef();
    r.id = id;
    r.episode = episode;
    r.scoreMean = score;
    r.uri = "s3://bucket/" + id + "/";
    return r;
  }

  /** Two committed checkpoints, one without its manifest, one whose file lost bytes; records. */
  private static void storeFiles(TrainingRun run) throws Exception {
    MinioClient minio = s3.client();
    var storage = run.getSpec().checkpoints.storage;
    ObjectMapper json = new ObjectMapper();
    String[] ids = {"ep-000000200-a0001", "ep-000000300-a0002", "ep-000000350-a0002"};
    for (String id : ids) {
      byte[] params = ("parameters of " + id).getBytes(StandardCharsets.UTF_8);
      String folder = StorageLayout.checkpointFolder(storage.prefix, NS, RUN, id);
      put(minio, storage.bucket, folder + "params.bin", params);
      if (id.startsWith("ep-000000350")) {
        continue; // still uploading: no manifest
      }
      long episode = StorageLayout.episodeOf(id);
      CheckpointManifest manifest =
          new CheckpointManifest(
              CheckpointManifest.FORMAT_VERSION,
              id,
              NS,
              RUN,
              StorageLayout.attemptOf(id),
              "train",
              0,
              episode,
              episode * 100,
              episode == 200 ? CheckpointKind.BEST : CheckpointKind.PERIODIC,
              "2026-11-23T10:00:00Z",
              Map.of("scoreMean", episode == 200 ? 180.5 : 150.0),
              false,
              List.of(
                  new CheckpointManifest.FileEntry(
                      "params.bin",
                      params.length,
                      HexFormat.of()
                          .formatHex(MessageDigest.getInstance("SHA-256").digest(params)))),
              null,
              null);
      put(
          minio,
          storage.bucket,
          folder + CheckpointManifest.FILE_NAME,
          json.writeValueAsBytes(manifest));
    }
    // A damaged checkpoint: the manifest declares more bytes than the file has.
    String bad = StorageLayout.checkpointFolder(storage.prefix, NS, RUN, "ep-000000100-a0001");
    put(minio, storage.bucket, bad + "params.bin", new byte[3]);
    put(
        minio,
        storage.bucket,
        bad + CheckpointManifest.FILE_NAME,
        json.writeValueAsBytes(
            new CheckpointManifest(
                1,
                "ep-000000100-a0001",
                NS,
                RUN,
                1,
                "train",
                0,
                100,
                10000,
                CheckpointKind.PERIODIC,
                "2026-11-23T09:00:00Z",
                Map.of(),
                false,
                List.of(new CheckpointManifest.FileEntry("params.bin", 99, "00")),
                null,
                null)));
    StringBuilder a1 = new StringBuilder();
    StringBuilder a2 = new StringBuilder();
    for (int e = 1; e <= 250; e++) {
      a1.append(json.writeValueAsString(record(e, 1, Math.min(500, e * 2.0)))).append('\n');
    }
    for (int e = 201; e <= 300; e++) {
      a2.append(json.writeValueAsString(record(e, 2, 150.0))).append('\n');
    }
    a2.append("{\"episode\":301,\"sco"); // the line the trainer is writing right now
    put(minio, storage.bucket, StorageLayout.metricsFile(storage.prefix, NS, RUN, 1), bytes(a1));
    put(minio, storage.bucket, StorageLayout.metricsFile(storage.prefix, NS, RUN, 2), bytes(a2));
  }

  private static EpisodeRecord record(long episode, int attempt, double score) {
    return new EpisodeRecord(
        episode,
        score,
        1.0,
        (int) score,
        "train",
        attempt,
        episode * 100,
        "2026-11-23T10:00:00Z",
        null,
        null,
        null,
        null,
        null);
  }

  private static byte[] bytes(StringBuilder b) {
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void put(MinioClient minio, String bucket, String key, byte[] data)
      throws Exception {
    minio.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(data), data.length, -1)
            .build());
  }

  /** The command run in this test's own folder, so that no .ratchet of the checkout is seen. */
  Result ratchet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RatchetCommand.newCommandLine(tmp)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A port nothing listens on: bound, read and closed again. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A kubeconfig whose only cluster is {@code server}; the verbs read it instead of the usual. */
  private Path useKubeconfig(String server) throws IOException {
    Path kubeconfig = tmp.resolve("unreachable-kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "%s"}
        contexts:
        - name: gone
          context: {cluster: gone, namespace: %s, user: me}
        current-context: gone
        users:
        - name: me
          user: {token: test}
        """
            .formatted(server, NS));
    System.setProperty("kubeconfig", kubeconfig.toString());
    return kubeconfig;
  }

  /** A run of the local mode under {@code workdir}: its file and, when given, its status. */
  private static void localRun(Path workdir, TrainingRunStatus status) throws IOException {
    Path runDir = workdir.resolve(RUN);
    Files.createDirectories(runDir);
    Files.copy(
        ROOT.resolve("examples/cartpole-quickstart.yaml"),
        runDir.resolve(LocalPlatform.RUN_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    if (status != null) {
      new StatusFile(runDir.resolve(LocalPlatform.STATUS_FILE)).write(status);
    }
  }

  private TrainingRun current() {
    return client.resources(TrainingRun.class).inNamespace(NS).withName(RUN).get();
  }

  @Test
  void statusShowsStateHistoryAndCheckpointsFromTheKubeconfigsNamespace() {
    Result r = ratchet("status", RUN);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Run:        cartpole-quickstart (namespace research)")
        .contains("State:      Running")
        .contains("Episode:    300 of 1000")
        .contains("Best:       ep-000000200-a0001 (episode 200, score mean 180.5)")
        .containsPattern("ROLLBACK +250 +→ ep-000000200-a0001 +scoreMean 40.0 fell below")
        .containsPattern("ep-000000200-a0001 +BEST +200 .*best")
        .containsPattern("ep-000000300-a0002 +PERIODIC +300 .*latest");
  }

  @Test
  void checkpointsListsCommittedUncommittedAndRejected() {
    Result r = ratchet("checkpoints", RUN, "-n", NS);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("ep-000000200-a0001 +BEST +200 +train +180.5")
        .contains("ep-000000350-a0002: not committed")
        .contains("ep-000000100-a0001: rejected, never used");
  }

  @Test
  void rollbackPatchesTheNonceOnceEachTimeAndRefusesUnknownCheckpoints() {
    var specBefore = current().getSpec();
    Result r = ratchet("rollback", RUN);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("roll back to best (nonce 1)");
    assertThat(current().getSpec().rollback.to).isEqualTo("best");
    assertThat(current().getSpec().rollback.nonce).isEqualTo("1");

    r = ratchet("rollback", RUN, "--to", "ep-000000300-a0002");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(current().getSpec().rollback.to).isEqualTo("ep-000000300-a0002");
    assertThat(current().getSpec().rollback.nonce).isEqualTo("2");
    // Nothing else of the user's spec changed.
    assertThat(current().getSpec().ppo.learningRate).isEqualTo(specBefore.ppo.learningRate);
    assertThat(current().getSpec().phases.get(0).until.episode).isEqualTo(1000L);

    r = ratchet("rollback", RUN, "--to", "ep-000000350-a0002");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("checkpoint ep-000000350-a0002 is not a committed checkpoint of " + RUN);
    r = ratchet("rollback", RUN, "--to", "yesterday");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("--to yesterday is neither best nor a checkpoint id");
    assertThat(current().getSpec().rollback.nonce).isEqualTo("2");
  }

  @Test
  void rollbackOfAnEndedRunIsRefusedNamingTheBestCheckpoint() {
    TrainingRun run = current();
    run.getStatus().state = RunState.SUCCEEDED;
    client.resources(TrainingRun.class).resource(run).updateStatus();
    Result r = ratchet("rollback", RUN);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("run " + RUN + " has ended (Succeeded): a rollback applies to a running run")
        .contains("s3://bucket/ep-000000200-a0001/");
    assertThat(current().getSpec().rollback).isNull();
  }

  @Test
  void rollbackOfARunWithNothingToRollBackToIsRefusedAndChangesNothing() {
    TrainingRun run = current();
    String empty = "verbs-empty-" + System.nanoTime();
    s3.ensureBucket(empty);
    run.getSpec().checkpoints.storage.bucket = empty;
    run = client.resources(TrainingRun.class).resource(run).update();
    run.getStatus().state = RunState.PENDING;
    run.getStatus().episode = 0L;
    run.getStatus().bestCheckpoint = null;
    run.getStatus().latestCheckpoint = null;
    client.resources(TrainingRun.class).resource(run).updateStatus();

    Result r = ratchet("rollback", RUN);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("run " + RUN + " has no checkpoint to roll back to yet (Pending at episode 0)")
        .contains("nothing was changed");
    assertThat(current().getSpec().rollback).isNull();
  }

  @Test
  void reportReadsEveryAttemptsRecords() throws Exception {
    Path out = tmp.resolve("report");
    Result r = ratchet("report", RUN, "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String md = Files.readString(out.resolve("report.md"));
    assertThat(md).contains(RUN);
    assertThat(Files.list(out).filter(p -> p.toString().endsWith(".png")).count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void anUnknownRunOrNamespaceSaysWhereItLooked() {
    Result r = ratchet("status", "nope");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "ratchet: no TrainingRun nope in namespace research (kubectl get tr -n research lists"
                + " them; pick another with --namespace)"
                + System.lineSeparator());
    r = ratchet("status", RUN, "-n", "elsewhere");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no TrainingRun " + RUN + " in namespace elsewhere");
  }

  @Test
  void recordsOfEveryAttemptAreReadInOrderSkippingATornLine() throws Exception {
    TrainingRun run = current();
    try (RunSource source =
        new ClusterRunSource(
            new KubernetesClientBuilder().withConfig(client.getConfiguration()).build(),
            NS,
            null)) {
      List<EpisodeRecord> records = source.files(run).episodes();
      assertThat(records).hasSize(350);
      assertThat(records.get(249).attempt()).isEqualTo(1);
      assertThat(records.get(250).episode()).isEqualTo(201);
      assertThat(records.get(250).attempt()).isEqualTo(2);
    }
  }

  @Test
  void aClusterThatRefusesConnectionsIsNamedWithTheCauseWithinThreeSeconds() throws Exception {
    String server = "http://127.0.0.1:" + closedPort();
    Path kubeconfig = useKubeconfig(server);

    long start = System.nanoTime();
    Result r = ratchet("status", RUN);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "ratchet: cannot reach the Kubernetes API server "
                + server
                + "/ (from kubeconfig "
                + kubeconfig
                + ", context gone) to read TrainingRun "
                + RUN
                + " in namespace research: connection refused"
                + System.lineSeparator());
  }

  @Test
  void kubernetesMasterIsNamedAsWhereTheAddressCameFrom() throws Exception {
    String server = "http://127.0.0.1:" + closedPort();
    System.setProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, server);

    long start = System.nanoTime();
    Result r = ratchet("checkpoints", RUN, "-n", "elsewhere");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "ratchet: cannot reach the Kubernetes API server "
                + server
                + "/ (from KUBERNETES_MASTER) to read TrainingRun "
                + RUN
                + " in namespace elsewhere: connection refused"
                + System.lineSeparator());
  }

  @Test
  void anUnknownApiServerHostIsNamedAsSuch() throws Exception {
    useKubeconfig("https://no-such-api-server.invalid:6443");

    Result r = ratchet("report", RUN);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("ratchet: cannot reach the Kubernetes API server https://no-such-api-server")
        .endsWith(": unknown host no-such-api-server.invalid" + System.lineSeparator());
  }

  @Test
  void withoutAKubeconfigTheVerbsSaySoAtOnceWithoutTryingAnAddress() {
    assumeTrue(
        System.getenv("KUBERNETES_MASTER") == null
            && System.getenv("KUBERNETES_SERVICE_HOST") == null,
        "this machine names a cluster outside any kubeconfig");
    Path missing = tmp.resolve("no-kubeconfig");
    System.setProperty("kubeconfig", missing.toString());

    long start = System.nanoTime();
    Result r = ratchet("rollback", RUN);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(elapsed).isLessThan(Duration.ofSeconds(3));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "ratchet: no Kubernetes cluster to ask: no kubeconfig found (looked at "
                + missing
                + ") and KUBERNETES_MASTER is not set; point KUBECONFIG at a cluster's kubeconfig,"
                + " or read a local run with --workdir DIR"
                + System.lineSeparator());
  }

  @Test
  void whenTheClusterIsOutOfReachALocalRunOfTheNameIsSuggestedWithTheExactCommand()
      throws Exception {
    useKubeconfig("http://127.0.0.1:" + closedPort());
    localRun(tmp.resolve(".ratchet"), null);

    Result r = ratchet("report", RUN, "-n", NS, "--out", "my report");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines())
        .hasSize(2)
        .last()
        .isEqualTo(
            "ratchet: .ratchet holds a local run "
                + RUN
                + ": ratchet report "
                + RUN
                + " --out 'my report' --workdir .ratchet");

    // The suggestion works as printed.
    r = ratchet("status", RUN, "--workdir", ".ratchet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Run " + RUN + " (workdir ");
  }

  @Test
  void whenTheClusterHasNoSuchRunALocalRunOfTheNameIsSuggested() throws Exception {
    localRun(tmp.resolve(".ratchet"), null);
    client.resources(TrainingRun.class).inNamespace(NS).withName(RUN).delete();

    Result r = ratchet("status", RUN);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines())
        .containsExactly(
            "ratchet: no TrainingRun "
                + RUN
                + " in namespace research (kubectl get tr -n research lists them; pick another"
                + " with --namespace)",
            "ratchet: .ratchet holds a local run "
                + RUN
                + ": ratchet status "
                + RUN
                + " --workdir .ratchet");
  }

  @Test
  void rollbackSuggestsFollowingTheRunWithTheNamespaceTheUserGave() {
    Result r = ratchet("rollback", RUN, "-n", NS);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("follow it with: ratchet status " + RUN + " -n research\n");
  }

  @Test
  void rollbackOfALocalRunSuggestsFollowingItInTheSameWorkdir() throws Exception {
    localRun(tmp.resolve("runs"), status());

    Result r = ratchet("rollback", RUN, "--workdir", "runs");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("follow it with: ratchet status " + RUN + " --workdir runs\n");
    assertThat(
            new RollbackRequestFile(
                    tmp.resolve("runs").resolve(RUN).resolve(LocalPlatform.ROLLBACK_FILE))
                .read()
                .to)
        .isEqualTo("best");
  }

  @Test
  void aReportWithoutOutGoesToRatchetReportNameInTheCurrentDirectory() throws Exception {
    Result r = ratchet("report", RUN);

    assertThat(r.code()).as(r.err()).isZero();
    Path report = tmp.resolve("ratchet-report-" + RUN).resolve("report.md");
    assertThat(report).exists();
    assertThat(r.out()).isEqualTo("Report of " + RUN + ": " + report + System.lineSeparator());
  }

  @Test
  void theReportFoldersTheVerbsWriteByDefaultAreIgnoredByGit() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve(".gitignore")))
        .contains(".ratchet/", "ratchet-report-*/", "/report/");
  }
}

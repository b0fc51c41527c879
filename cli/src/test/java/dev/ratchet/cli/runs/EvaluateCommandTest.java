package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.local.LocalRuns;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.awt.image.BufferedImage;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ratchet evaluate} with the real trainer: a local run trained with evaluation-gated best
 * checkpoints, then its best checkpoint evaluated again from the workdir and from a cluster (the
 * Fabric8 mock API server through a kubeconfig, the same S3 storage) — identical figures each time.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class EvaluateCommandTest {

  static final String RUN = "cartpole-evaluated";
  static KubernetesMockServer server;
  static KubernetesClient client;
  static Path workdir;
  static TrainingRunStatus status;

  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  record Result(int code, String out, String err) {}

  /** The quickstart's PPO, 400 episodes, 8 greedy evaluation episodes ranking the checkpoints. */
  @BeforeAll
  static void trainWithEvaluation() throws Exception {
    workdir = Files.createTempDirectory("ratchet-evaluate");
    String yaml =
        Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + RUN)
            .replace("episode: 1000", "episode: 400")
            .replace("above: 475", "above: 499")
            .replace("everyEpisodes: 100", "everyEpisodes: 50")
            .replace(
                "metric: scoreMean\n      window: 20", "metric: evalScoreMean\n      window: 20")
            .replace("  divergence:", "  evaluation:\n    episodes: 8\n  divergence:");
    assertThat(yaml).contains("metric: evalScoreMean").contains("evaluation:");
    Path file = Files.writeString(workdir.resolve(RUN + ".yaml"), yaml);
    LocalRuns.Output run = LocalRuns.runFile(file, workdir);
    assertThat(run.code()).as(run.text()).isZero();
    status =
        new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .readValue(workdir.resolve(RUN + "/status.yaml").toFile(), TrainingRunStatus.class);
  }

  @AfterEach
  void forgetKubeconfig() {
    System.clearProperty("kubeconfig");
  }

  @Test
  void theBestCheckpointIsTheOneWithTheBestEvaluation() throws Exception {
    List<CheckpointManifest> manifests = manifests();
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    // every checkpoint is evaluated but a preempt one (the trainer was being stopped)
    assertThat(manifests)
        .filteredOn(m -> m.kind() != CheckpointKind.PREEMPT)
        .allSatisfy(m -> assertThat(m.evaluation()).as(m.id()).isNotNull());
    // ranked as the brain ranks: in written order, a tie going to the newer; none written by the
    // last attempt after the run's end
    CheckpointManifest best = null;
    for (CheckpointManifest m :
        manifests.stream()
            .filter(m -> m.evaluation() != null)
            .filter(
                m ->
                    m.attempt() != status.attempt
                        || status.watch.endEpisode == null
                        || m.episode() <= status.watch.endEpisode)
            .sorted(
                Comparator.comparingInt(CheckpointManifest::attempt)
                    .thenComparingLong(CheckpointManifest::episode))
            .toList()) {
      if (best == null || m.evaluation().scoreMean() >= best.evaluation().scoreMean()) {
        best = m;
      }
    }
    assertThat(best).isNotNull();
    assertThat(status.bestCheckpoint.id).isEqualTo(best.id());
    assertThat(status.bestCheckpoint.evalScoreMean).isEqualTo(best.evaluation().scoreMean());
  }

  @Test
  void theReportAndStatusPutTheTrainingWindowBesideTheEvaluation() throws Exception {
    Path report = workdir.resolve(RUN + "/report/report.md");
    String md = Files.readString(report);
    assertThat(md)
        .contains("## Evaluation")
        .contains("8 greedy episodes (seed 43)")
        .contains("![training vs evaluation](evaluation.png)")
        .contains("| `" + status.bestCheckpoint.id + "` **best** |")
        .containsPattern(
            "An evaluation took \\S+ s on average \\(over the \\d+ still stored\\); \\d+"
                + " evaluations, about \\S+ % of the \\S+ s");
    // every evaluation is in the table, those of checkpoints retention deleted too
    for (CheckpointManifest m : manifests()) {
      if (m.evaluation() != null) {
        assertThat(md).contains("| `" + m.id() + "`");
      }
    }
    // 400 episodes evaluated every 50, at most 3 periodic ones kept besides the best and the end
    assertThat(md).contains("| deleted by retention |");
    BufferedImage chart = ImageIO.read(report.resolveSibling("evaluation.png").toFile());
    assertThat(chart.getWidth()).isGreaterThan(600);

    Result r = ratchet("status", RUN, "--workdir", workdir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("Best: +" + status.bestCheckpoint.id + " \\(episode \\d+, .*evaluation ");
  }

  @Test
  void evaluatingTheBestCheckpointAgainFromTheWorkdirGivesTheTrainersOwnFigures() throws Exception {
    Path out = workdir.resolve("again.json");
    Result r =
        ratchet(
            "evaluate",
            RUN,
            "--workdir",
            workdir.toString(),
            "--out",
            out.toString(),
            "--trainer-jar",
            LocalRuns.trainerJar().toString());

    assertThat(r.code()).as(r.err()).isZero();
    CheckpointManifest best = manifest(status.bestCheckpoint.id);
    EvaluationResult again = json.readValue(out.toFile(), EvaluationResult.class);
    assertThat(again.withoutSeconds()).isEqualTo(best.evaluation().withoutSeconds());
    assertThat(r.out())
        .contains("Evaluated " + best.id() + " of " + RUN)
        .contains("8 greedy, seed 43")
        .contains("the same episodes, identical figures")
        .contains("Written: again.json"); // relative to the folder it was run in
  }

  @Test
  void otherEpisodesSeedAndSamplingAreAskedForOnTheCommandLine() throws Exception {
    Path out = workdir.resolve("sampled.json");
    Result r =
        ratchet(
            "evaluate",
            RUN,
            "--workdir",
            workdir.toString(),
            "--checkpoint",
            "latest",
            "--episodes",
            "5",
            "--no-deterministic",
            "--seed",
            "9",
            "--out",
            out.toString(),
            "--trainer-jar",
            LocalRuns.trainerJar().toString());

    assertThat(r.code()).as(r.err()).isZero();
    EvaluationResult sampled = json.readValue(out.toFile(), EvaluationResult.class);
    assertThat(sampled.checkpoint()).isEqualTo(status.latestCheckpoint.id);
    assertThat(sampled.episodes()).isEqualTo(5);
    assertThat(sampled.deterministic()).isFalse();
    assertThat(sampled.seed()).isEqualTo(9);
    assertThat(r.out()).contains("5 sampled, seed 9").doesNotContain("identical figures");
  }

  @Test
  void anUnknownCheckpointIsRefusedNamingTheCommittedOnes() throws Exception {
    Result r = ratchet("evaluate", RUN, "--workdir", workdir.toString(), "--checkpoint", "ep-1");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("ratchet: run " + RUN + " has no committed checkpoint ep-1 (committed: ep-")
        .contains(status.bestCheckpoint.id);
  }

  @Test
  void aRunReachedThroughAKubeconfigIsEvaluatedFromItsStorage() throws Exception {
    // The cluster's run stores where the local run stored: namespace "local", its S3 folder.
    try (EmbeddedS3Server s3 = EmbeddedS3Server.start(workdir.resolve("s3"))) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("local").endMetadata().build())
          .createOr(n -> n.update());
      client
          .secrets()
          .inNamespace("local")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("ratchet-s3")
                  .endMetadata()
                  .addToStringData("accessKey", EmbeddedS3Server.ACCESS_KEY)
                  .addToStringData("secretKey", EmbeddedS3Server.SECRET_KEY)
                  .build())
          .createOr(n -> n.update());
      try (InputStream crd =
          new FileInputStream(Path.of("..", "crds", "trainingruns.ratchet.dev-v1.yml").toFile())) {
        client.load(crd).createOrReplace();
      }
      TrainingRun run;
      try (InputStream in = new FileInputStream(workdir.resolve(RUN + ".yaml").toFile())) {
        run = client.resources(TrainingRun.class).load(in).item();
      }
      run.getMetadata().setNamespace("local");
      run.getSpec().checkpoints.storage.endpoint = s3.endpoint();
      TrainingRun created = client.resources(TrainingRun.class).resource(run).create();
      created.setStatus(status);
      client.resources(TrainingRun.class).resource(created).updateStatus();
      MockKubeconfig.use(workdir.resolve("kubeconfig"), server.url("/"), "local");
      Path out = workdir.resolve("cluster.json");

      Result r =
          ratchet(
              "evaluate",
              RUN,
              "--out",
              out.toString(),
              "--trainer-jar",
              LocalRuns.trainerJar().toString());

      assertThat(r.code()).as(r.err()).isZero();
      EvaluationResult fromCluster = json.readValue(out.toFile(), EvaluationResult.class);
      assertThat(fromCluster.withoutSeconds())
          .isEqualTo(manifest(status.bestCheckpoint.id).evaluation().withoutSeconds());
      assertThat(r.out()).contains("the same episodes, identical figures");
    }
  }

  private Result ratchet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RatchetCommand.newCommandLine(workdir)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private List<CheckpointManifest> manifests() throws Exception {
    Path root = workdir.resolve("s3/ratchet-checkpoints/quickstart/local/" + RUN + "/checkpoints");
    List<CheckpointManifest> out = new ArrayList<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path f : folders.toList()) {
        Path manifest = f.resolve(CheckpointManifest.FILE_NAME);
        if (Files.exists(manifest)) {
          out.add(json.readValue(manifest.toFile(), CheckpointManifest.class));
        }
      }
    }
    return out;
  }

  private CheckpointManifest manifest(String id) throws Exception {
    return manifests().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
  }
}

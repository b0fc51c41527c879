package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.s3.EmbeddedS3Server;
import dev.ratchet.trainer.env.RandomBaseline;
import dev.ratchet.trainer.env.remote.PythonEnvServer;
import dev.ratchet.trainer.rl.Settings;
import dev.ratchet.trainer.storage.MinioObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole attempt against an external environment: Gymnasium's own CartPole-v1, served by the
 * repository's Python package, trained by the real trainer with checkpoints in S3; and the exit
 * code and one-line reason the supervisor gets when the server is absent, wrong or dies.
 */
class ExternalEnvironmentTrainerTest {

  private static final String BUCKET = "ratchet";
  private static EmbeddedS3Server s3;
  private static MinioObjectStore minio;
  private final ObjectMapper json = new ObjectMapper();
  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = EmbeddedS3Server.inMemory(BUCKET);
    minio =
        new MinioObjectStore(
            s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void gymnasiumsOwnCartPoleTrainsThroughTheBridgeFarAboveRandomWithEvaluatedCheckpoints()
      throws Exception {
    double random = RandomBaseline.cartPole(200, 500, 7);
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 8)) {
      long t0 = System.nanoTime();
      ObjectNode c = config("cartpole", 1, 400, null, server.port(), 8, 30);
      // greedy episodes on the server's evaluation copies at every periodic and phase-end one
      c.set(
          "evaluation", json.valueToTree(Map.of("episodes", 8, "deterministic", true, "seed", 5)));
      Result r = run(c);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(r.code()).as(r.err()).isEqualTo(TrainerExitCodes.OK);

      List<EpisodeRecord> records = records("cartpole", 1);
      EpisodeRecord last = records.get(records.size() - 1);
      System.out.printf(
          "gymnasium CartPole-v1 through the bridge: random %.1f, last window mean %.1f over %d"
              + " episodes, %d env steps in %.1f s = %.0f steps/s%n",
          random,
          last.window().scoreMean(),
          last.window().episodes(),
          last.envSteps(),
          seconds,
          last.envSteps() / seconds);
      assertThat(last.episode()).isGreaterThanOrEqualTo(400);
      assertThat(last.window().scoreMean()).isGreaterThanOrEqualTo(195.0);
      assertThat(random).isLessThan(30.0);
      CheckpointManifest end = manifest("cartpole", last.episode(), 1);
      assertThat(end.kind()).isEqualTo(CheckpointKind.PHASE_END);
      System.out.printf(
          "its phase-end checkpoint evaluated greedily: %.1f ± %.1f over %d episodes in %.2f s%n",
          end.evaluation().scoreMean(),
          end.evaluation().scoreStd(),
          end.evaluation().episodes(),
          end.evaluation().seconds());
      assertThat(end.evaluation().episodes()).isEqualTo(8);
      assertThat(end.evaluation().deterministic()).isTrue();
      assertThat(end.evaluation().scoreMean()).isGreaterThan(5 * random);
    }
  }

  @Test
  void anAttemptResumesWithANewServerAfterTheOldOneWasKilled() throws Exception {
    int port;
    long ended;
    try (PythonEnvServer first = PythonEnvServer.start("gymnasium:CartPole-v1", 4)) {
      port = first.port();
      Result r = run(config("resume", 1, 60, null, port));
      assertThat(r.code()).as(r.err()).isEqualTo(TrainerExitCodes.OK);
      first.kill();
      // the last rollout may end a few episodes past 60: the checkpoint is at the last one
      List<EpisodeRecord> played = records("resume", 1);
      ended = played.get(played.size() - 1).episode();
    }
    // the server is gone: the next attempt waits for it, then gives the supervisor the reason
    String from = uri("resume", ended, 1);
    Result gone = run(config("resume", 2, ended + 60, from, port, 4, 2));
    assertThat(gone.code()).isEqualTo(TrainerExitCodes.ENVIRONMENT);
    assertThat(gone.err().strip())
        .startsWith(
            "ratchet-trainer: environment unavailable: no environment server answered at"
                + " 127.0.0.1:"
                + port
                + " within 2 s")
        .doesNotContain("\n");

    try (PythonEnvServer second = PythonEnvServer.start("gymnasium:CartPole-v1", 4)) {
      Result resumed = run(config("resume", 3, ended + 60, from, second.port()));
      assertThat(resumed.code()).as(resumed.err()).isEqualTo(TrainerExitCodes.OK);
      List<EpisodeRecord> records = records("resume", 3);
      assertThat(records.get(0).episode()).isEqualTo(ended + 1);
      assertThat(records.get(records.size() - 1).episode()).isGreaterThanOrEqualTo(ended + 60);
    }
  }

  @Test
  void aServerWithSpacesTheTrainerCannotTrainIsABadConfig() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:Pendulum-v1", 4)) {
      Result r = run(config("pendulum", 1, 10, null, server.port()));
      assertThat(r.code()).isEqualTo(TrainerExitCodes.BAD_CONFIG);
      assertThat(r.err().strip())
          .isEqualTo(
              "ratchet-trainer: environment mismatch: the environment server at 127.0.0.1:"
                  + server.port()
                  + " cannot be trained: actions must be Discrete, gymnasium:Pendulum-v1 has Box"
                  + " of shape [1] float32 (give the server a Discrete action space, e.g. a"
                  + " wrapper that discretizes them)");
    }
  }

  @Test
  void evaluationBesideAServerThatRunsNoGroupsIsABadConfigBeforeAnyTraining() throws Exception {
    // its evaluation episodes would otherwise take over the training copies
    try (PythonEnvServer server =
        PythonEnvServer.start("tests.fixtures:cartpole_without_groups", 4)) {
      ObjectNode c = config("old-server", 1, 400, null, server.port());
      c.set(
          "evaluation", json.valueToTree(Map.of("episodes", 8, "deterministic", true, "seed", 1)));
      Result r = run(c);
      assertThat(r.code()).isEqualTo(TrainerExitCodes.BAD_CONFIG);
      assertThat(r.err().strip())
          .isEqualTo(
              "ratchet-trainer: environment mismatch: spec.evaluation needs an environment server"
                  + " that runs evaluation copies of its own (DescribeResponse.supports_groups,"
                  + " docs/environment-protocol.md), and the server at 127.0.0.1:"
                  + server.port()
                  + " (tests.fixtures:cartpole_without_groups) does not: update it"
                  + " (ratchet-env-serve does) or remove spec.evaluation");
      assertThat(minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", "old-server", 1)))
          .as("no episode played")
          .isEmpty();
    }
  }

  @Test
  void aServerThatDiesMidRunEndsTheAttemptWithTheEnvironmentExitCode() throws Exception {
    try (PythonEnvServer server =
        PythonEnvServer.start(
            "tests.fixtures:CrashAfter", 4, "--env-kwargs", "{\"steps\": 2000}")) {
      Result r = run(config("crash", 1, 1000, null, server.port()));
      assertThat(r.code()).isEqualTo(TrainerExitCodes.ENVIRONMENT);
      assertThat(r.err().strip())
          .startsWith(
              "ratchet-trainer: environment unavailable: the environment server at 127.0.0.1:"
                  + server.port()
                  + " went away during a step")
          .doesNotContain("\n");
    }
  }

  private ObjectNode config(String run, int attempt, long until, String resumeFrom, int port) {
    return config(run, attempt, until, resumeFrom, port, 4, 30);
  }

  /**
   * A trainer config as the supervisor writes it, built as JSON so that fields added to
   * TrainerConfig later keep their defaults here.
   */
  private ObjectNode config(
      String run,
      int attempt,
      long until,
      String resumeFrom,
      int port,
      int numEnvs,
      int startupSeconds) {
    EnvironmentSpec env = new EnvironmentSpec();
    env.name = EnvironmentName.EXTERNAL;
    env.numEnvs = numEnvs;
    env.seed = 3;
    env.external = new ExternalEnvironmentSpec();
    env.external.command = List.of("ratchet-env-serve", "gymnasium:CartPole-v1");
    env.external.port = port;
    env.external.startupTimeoutSeconds = startupSeconds;
    ObjectNode c = json.createObjectNode();
    c.put("namespace", "ns").put("run", run).put("attempt", attempt).put("phase", "main");
    c.put("phaseIndex", 0).put("phaseStartEpisode", 0).put("untilEpisode", until);
    c.put("resumeFrom", resumeFrom);
    c.set("environment", json.valueToTree(env));
    c.set("model", json.valueToTree(Settings.mlp64()));
    c.set("ppo", json.valueToTree(Settings.zooPpo()));
    c.set(
        "checkpoints",
        json.valueToTree(Map.of("everyEpisodes", 50, "bestMetric", "scoreMean", "bestWindow", 20)));
    c.set(
        "storage",
        json.valueToTree(
            Map.of(
                "endpoint",
                s3.endpoint(),
                "bucket",
                BUCKET,
                "prefix",
                "runs",
                "region",
                "us-east-1")));
    c.put("device", "cpu").put("metricsWindow", 20).put("httpPort", 0);
    c.put("preemptGraceSeconds", 30);
    return c;
  }

  private Result run(ObjectNode config) throws Exception {
    Path file = tmp.resolve(config.get("run").asText() + "-" + config.get("attempt") + ".json");
    json.writeValue(file.toFile(), config);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TrainerApp app =
        new TrainerApp(
            Map.of(
                TrainerEnv.CONFIG,
                file.toString(),
                TrainerEnv.S3_ACCESS_KEY,
                EmbeddedS3Server.ACCESS_KEY,
                TrainerEnv.S3_SECRET_KEY,
                EmbeddedS3Server.SECRET_KEY,
                TrainerEnv.HTTP_HOST,
                "127.0.0.1"),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            2,
            5);
    int code = app.run();
    return new Result(code, err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int code, String err) {}

  private List<EpisodeRecord> records(String run, int attempt) throws Exception {
    String text =
        new String(
            minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", run, attempt)).orElseThrow(),
            StandardCharsets.UTF_8);
    return text.lines()
        .filter(l -> !l.isBlank())
        .map(
            l -> {
              try {
                return json.readValue(l, EpisodeRecord.class);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .toList();
  }

  private String uri(String run, long episode, int attempt) {
    return StorageLayout.uri(
        BUCKET,
        StorageLayout.checkpointFolder(
            "runs", "ns", run, StorageLayout.checkpointId(episode, attempt)));
  }

  private CheckpointManifest manifest(String run, long episode, int attempt) throws Exception {
    String key =
        StorageLayout.checkpointFolder(
                "runs", "ns", run, StorageLayout.checkpointId(episode, attempt))
            + CheckpointManifest.FILE_NAME;
    return json.readValue(minio.get(BUCKET, key).orElseThrow(), CheckpointManifest.class);
  }
}

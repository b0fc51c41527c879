package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.s3.EmbeddedS3Server;
import dev.ratchet.trainer.rl.Settings;
import dev.ratchet.trainer.storage.MinioObjectStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer as a real child process: SIGTERM writes a preempt checkpoint before it exits. */
class TrainerProcessTest {

  @TempDir Path tmp;

  @Test
  void sigtermWritesAPreemptCheckpointThenExits() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (EmbeddedS3Server s3 = EmbeddedS3Server.inMemory("ratchet")) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      TrainerConfig c = config(s3.endpoint(), port);
      Path config = tmp.resolve("config.json");
      json.writeValue(config.toFile(), c);
      Path log = tmp.resolve("trainer.log");
      ProcessBuilder pb =
          new ProcessBuilder(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  TrainerMain.class.getName()));
      pb.environment().put(TrainerEnv.CONFIG, config.toString());
      pb.environment().put(TrainerEnv.S3_ACCESS_KEY, EmbeddedS3Server.ACCESS_KEY);
      pb.environment().put(TrainerEnv.S3_SECRET_KEY, EmbeddedS3Server.SECRET_KEY);
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      Process p = pb.start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        long episode = 0;
        while (episode < 10 && System.currentTimeMillis() < deadline && p.isAlive()) {
          try {
            String body =
                http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/progress"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            episode = json.readValue(body, ProgressReport.class).episode();
          } catch (java.io.IOException notYetListening) {
            // The JVM and the engine are still starting.
          }
          Thread.sleep(100);
        }
        assertThat(episode).as(Files.readString(log)).isGreaterThanOrEqualTo(10);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      // The JVM reports death by SIGTERM (128 + 15) after its shutdown hook completed.
      assertThat(p.exitValue()).isEqualTo(143);
      MinioObjectStore minio =
          new MinioObjectStore(
              s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
      String records =
          new String(
              minio.get("ratchet", StorageLayout.metricsFile("", "ns", "proc", 3)).orElseThrow(),
              StandardCharsets.UTF_8);
      long episodes = records.lines().count();
      String key =
          StorageLayout.checkpointFolder("", "ns", "proc", StorageLayout.checkpointId(episodes, 3))
              + CheckpointManifest.FILE_NAME;
      CheckpointManifest m =
          json.readValue(
              minio
                  .get("ratchet", key)
                  .orElseThrow(
                      () -> new AssertionError("no preempt manifest at " + key + "\n" + log)),
              CheckpointManifest.class);
      assertThat(m.kind()).isEqualTo(CheckpointKind.PREEMPT);
      assertThat(m.attempt()).isEqualTo(3);
    }
  }

  @Test
  void anEngineThatCannotUnpackItsLibraryEndsTheTrainerWithOneLineAndExitTwo() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("a-file"), "");
    Path termination = tmp.resolve("termination-log");
    Path config = tmp.resolve("config.json");
    new ObjectMapper().writeValue(config.toFile(), config("http://127.0.0.1:1", 0));
    ProcessBuilder pb = trainerProcess();
    pb.environment().put(TrainerEnv.CONFIG, config.toString());
    pb.environment().put("DJL_CACHE_DIR", notADirectory.resolve("cache").toString());
    pb.environment().put(TrainerEnv.TERMINATION_LOG, termination.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(output)
        .contains("ratchet-trainer: the PyTorch engine cannot load")
        .contains("DJL_CACHE_DIR=" + notADirectory.resolve("cache"))
        .doesNotContain("\tat ai.djl"); // one line, no stack trace
    assertThat(Files.readString(termination)).startsWith("the PyTorch engine cannot load");
  }

  @Test
  void preparingTheEngineUnpacksItsLibraryIntoTheCacheDirectory() throws Exception {
    Path cache = tmp.resolve("djl-cache");
    ProcessBuilder pb = trainerProcess("--prepare-engine");
    pb.environment().put("DJL_CACHE_DIR", cache.toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("engine ready: PyTorch");
    try (var files = Files.walk(cache)) {
      assertThat(files.map(f -> f.getFileName().toString())).contains("libtorch.so");
    }
  }

  /** A CartPole attempt of a million episodes: it runs until stopped. */
  private static TrainerConfig config(String endpoint, int port) {
    return new TrainerConfig(
        "ns",
        "proc",
        3,
        "warmup",
        0,
        0,
        1_000_000,
        null,
        Settings.cartPole(4, 5),
        Settings.mlp64(),
        Settings.cleanRlPpo(),
        null,
        null,
        null,
        new TrainerConfig.CheckpointPolicy(1000, RunMetric.SCORE_MEAN, 100),
        new TrainerConfig.StorageLocation(endpoint, "ratchet", "", "us-east-1"),
        Device.CPU,
        20,
        port,
        60,
        null);
  }

  private static ProcessBuilder trainerProcess(String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TrainerMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }
}

package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.MoeSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TemperatureSpec;
import dev.ratchet.s3.EmbeddedS3Server;
import dev.ratchet.trainer.rl.PolicySettings;
import dev.ratchet.trainer.rl.Settings;
import dev.ratchet.trainer.storage.MinioObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the docs promise about reproducibility, across processes: two trainer JVMs given the same
 * config and seed commit byte-identical checkpoints (parameters, optimizer and the whole training
 * state), for every architecture and both routings. The two JVMs get very different heaps (one
 * small and busy collecting garbage, one large) and garbage collectors, so nothing may depend on
 * when memory is collected or where it lies.
 */
class CrossProcessDeterminismTest {

  private static final String BUCKET = "ratchet";
  private static final long UNTIL = 60;

  @TempDir Path tmp;

  private record Case(String name, EnvironmentName env, ModelSpec model, String phase) {}

  @Test
  void twoProcessesWithTheSameSeedCommitByteIdenticalCheckpoints() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Case> cases =
        List.of(
            new Case("mlp", EnvironmentName.CARTPOLE, Settings.mlp64(), "plain"),
            new Case("lstm", EnvironmentName.INTERCEPT, PolicySettings.lstm64(), "plain"),
            new Case("moe-softmax", EnvironmentName.DUNGEON, PolicySettings.moe64(), "softmax"),
            new Case(
                "moe-sparsemax", EnvironmentName.DUNGEON, PolicySettings.moe64(), "sparsemax"));
    try (EmbeddedS3Server s3 = EmbeddedS3Server.inMemory(BUCKET)) {
      MinioObjectStore minio =
          new MinioObjectStore(
              s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
      for (Case c : cases) {
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        String[][] jvms = {
          {"-Xmx192m", "-XX:+UseSerialGC"}, {"-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"}
        };
        for (int k = 0; k < 2; k++) {
          TrainerConfig config = config(c, c.name() + "-" + k, s3.endpoint());
          Path file = tmp.resolve(c.name() + "-" + k + ".json");
          json.writeValue(file.toFile(), config);
          Path log = tmp.resolve(c.name() + "-" + k + ".log");
          logs.add(log);
          processes.add(start(jvms[k], file, log));
        }
        List<CheckpointManifest> finals = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
          Process p = processes.get(k);
          assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(c.name()).isTrue();
          assertThat(p.exitValue()).as(Files.readString(logs.get(k))).isZero();
          String run = c.name() + "-" + k;
          String records =
              new String(
                  minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", run, 1)).orElseThrow(),
                  StandardCharsets.UTF_8);
          String key =
              StorageLayout.checkpointFolder(
                      "runs", "ns", run, StorageLayout.checkpointId(records.lines().count(), 1))
                  + CheckpointManifest.FILE_NAME;
          finals.add(
              json.readValue(minio.get(BUCKET, key).orElseThrow(), CheckpointManifest.class));
        }
        CheckpointManifest a = finals.get(0);
        CheckpointManifest b = finals.get(1);
        System.out.printf(
            "%s: both processes committed %s at step %d, sha256 %s%n",
            c.name(),
            a.id(),
            a.envSteps(),
            a.files().stream().map(f -> f.name() + " " + f.sha256().substring(0, 12)).toList());
        assertThat(a.kind()).isEqualTo(CheckpointKind.PHASE_END);
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(b.envSteps()).isEqualTo(a.envSteps());
        assertThat(b.files()).as(c.name()).isEqualTo(a.files());
      }
    }
  }

  private static TrainerConfig config(Case c, String run, String endpoint) {
    EnvironmentSpec env = new EnvironmentSpec();
    env.name = c.env();
    env.numEnvs = 4;
    env.maxStepsPerEpisode = 60;
    env.seed = 7;
    PpoSpec ppo = Settings.cleanRlPpo();
    ppo.rolloutSteps = 32;
    ppo.epochs = 2;
    ppo.minibatches = 2;
    Routing routing = null;
    TemperatureSpec temperature = null;
    MoeSpec router = null;
    if (!c.phase().equals("plain")) {
      routing = c.phase().equals("softmax") ? Routing.SOFTMAX : Routing.SPARSEMAX;
      temperature = new TemperatureSpec();
      temperature.from = 1.0;
      temperature.to = c.phase().equals("softmax") ? 1.0 : 0.3;
      router = new MoeSpec();
      router.alphaEntropyCoef = 0.05;
      router.alphaEntropyGoal =
          c.phase().equals("softmax") ? EntropyGoal.MAXIMIZE : EntropyGoal.MINIMIZE;
      router.loadBalanceCoef = 0.02;
      router.diversityCoef = 0.01;
    }
    return new TrainerConfig(
        "ns",
        run,
        1,
        c.phase(),
        0,
        0,
        UNTIL,
        null,
        env,
        c.model(),
        ppo,
        routing,
        temperature,
        router,
        new TrainerConfig.CheckpointPolicy(20, RunMetric.SCORE_MEAN, 10),
        new TrainerConfig.StorageLocation(endpoint, BUCKET, "runs", "us-east-1"),
        Device.CPU,
        20,
        0,
        60,
        null);
  }

  private static Process start(String[] jvmOptions, Path config, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(TrainerMain.class.getName());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put(TrainerEnv.CONFIG, config.toString());
    pb.environment().put(TrainerEnv.S3_ACCESS_KEY, EmbeddedS3Server.ACCESS_KEY);
    pb.environment().put(TrainerEnv.S3_SECRET_KEY, EmbeddedS3Server.SECRET_KEY);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }
}

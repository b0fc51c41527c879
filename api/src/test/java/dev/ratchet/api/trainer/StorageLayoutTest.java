package dev.ratchet.api.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TemperatureSpec;
import org.junit.jupiter.api.Test;

/** The S3 layout and the config file are the contract between operator and trainer. */
class StorageLayoutTest {

  @Test
  void keysFollowTheArchitectureLayout() {
    String id = StorageLayout.checkpointId(1200, 4);

    assertThat(id).isEqualTo("ep-000001200-a0004");
    assertThat(StorageLayout.checkpointFolder("ratchet", "research", "dungeon-moe", id))
        .isEqualTo("ratchet/research/dungeon-moe/checkpoints/ep-000001200-a0004/");
    assertThat(StorageLayout.metricsFile("/ratchet/", "research", "dungeon-moe", 4))
        .isEqualTo("ratchet/research/dungeon-moe/metrics/attempt-0004.jsonl");
    assertThat(StorageLayout.checkpointsRoot("", "local", "run"))
        .isEqualTo("local/run/checkpoints/");
    assertThat(StorageLayout.uri("bucket", "a/b/")).isEqualTo("s3://bucket/a/b/");
  }

  @Test
  void checkpointIdsParseBackAndSortByEpisode() {
    assertThat(StorageLayout.episodeOf("ep-000001200-a0004")).isEqualTo(1200);
    assertThat(StorageLayout.attemptOf("ep-000001200-a0004")).isEqualTo(4);
    assertThat(StorageLayout.isCheckpointId("ep-12-a1")).isFalse();
    assertThat(StorageLayout.checkpointId(99, 1))
        .isLessThan(StorageLayout.checkpointId(100, 1))
        .isLessThan(StorageLayout.checkpointId(100, 2));
    assertThatThrownBy(() -> StorageLayout.episodeOf("latest"))
        .hasMessageContaining("expected ep-EEEEEEEEE-aAAAA");
  }

  @Test
  void trainerConfigSurvivesTheJsonFile() throws Exception {
    EnvironmentSpec environment = new EnvironmentSpec();
    environment.name = EnvironmentName.CARTPOLE;
    TrainerConfig config =
        new TrainerConfig(
            "research",
            "cartpole",
            2,
            "train",
            0,
            0,
            600,
            "s3://b/ratchet/research/cartpole/checkpoints/ep-000000100-a0001/",
            environment,
            new ModelSpec(),
            new PpoSpec(),
            Routing.SOFTMAX,
            new TemperatureSpec(),
            null,
            new TrainerConfig.CheckpointPolicy(100, RunMetric.SCORE_MEAN, 20),
            new TrainerConfig.StorageLocation("http://127.0.0.1:9000", "b", "ratchet", "r"),
            Device.CPU,
            20,
            TrainerConfig.DEFAULT_HTTP_PORT,
            60,
            null);
    ObjectMapper mapper = new ObjectMapper();

    String json = mapper.writeValueAsString(config);
    TrainerConfig read = mapper.readValue(json, TrainerConfig.class);

    assertThat(json).contains("\"name\":\"cartpole\"").contains("\"bestMetric\":\"scoreMean\"");
    assertThat(read.resumeFrom()).isEqualTo(config.resumeFrom());
    assertThat(read.checkpoints()).isEqualTo(config.checkpoints());
    assertThat(read.ppo().learningRate).isEqualTo(3e-4);
    assertThat(read.environment().name).isEqualTo(EnvironmentName.CARTPOLE);
  }
}

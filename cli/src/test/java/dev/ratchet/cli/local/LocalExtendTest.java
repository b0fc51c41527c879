package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run that ended {@code Succeeded}, run again from a file with one more phase, trains that
 * phase with the real trainer from the checkpoint it ended with, and keeps what the first run
 * stored.
 */
class LocalExtendTest {

  private static final String RUN = "cartpole-extended";
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Test
  void aSucceededRunGivenOneMorePhaseTrainsItFromItsPhaseEndCheckpoint(@TempDir Path workdir)
      throws Exception {
    String base =
        Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + RUN)
            .replace(
                "      episode: 1000\n      anyOf:\n      - metric: scoreMean\n"
                    + "        above: 475\n        forEpisodes: 20\n",
                "      episode: 150\n");
    assertThat(base).contains("episode: 150\n  checkpoints:");
    Path first = Files.writeString(workdir.resolve("first.yaml"), base);
    LocalRuns.Output one = LocalRuns.runFile(first, workdir);
    assertThat(one.code()).as(one.text()).isZero();
    TrainingRunStatus ended = status(workdir);
    assertThat(ended.state).isEqualTo(RunState.SUCCEEDED);
    String phaseEnd = "ep-000000150-a" + String.format("%04d", ended.attempt);
    assertThat(manifest(workdir, phaseEnd).kind()).isEqualTo(CheckpointKind.PHASE_END);

    String extended =
        base.replace(
            "  checkpoints:",
            "  - name: polish\n    until: {episode: 250}\n    overrides: {learningRate: 0.0003}\n"
                + "  checkpoints:");
    Path second = Files.writeString(workdir.resolve("second.yaml"), extended);
    LocalRuns.Output two = LocalRuns.runFile(second, workdir);

    assertThat(two.code()).as(two.text()).isZero();
    assertThat(two.text())
        .contains(
            "Run "
                + RUN
                + " had ended (Succeeded) in phase train; the file adds phase polish after it:"
                + " training on from the checkpoint it ended with.")
        .contains("» Extended: Run extended: spec.phases has phase polish after train");
    TrainingRunStatus status = status(workdir);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.phase).isEqualTo("polish");
    assertThat(status.episode).isEqualTo(250);
    List<HistoryEntry> extensions =
        status.history.stream().filter(h -> h.type == HistoryType.EXTENSION).toList();
    assertThat(extensions)
        .singleElement()
        .satisfies(h -> assertThat(h.reason).endsWith("extended from " + phaseEnd));
    // the new phase's attempt started from the phase-end checkpoint, with the phase's own rate
    TrainerConfig config =
        json.readValue(
            workdir
                .resolve(RUN)
                .resolve(String.format("attempt-%04d", status.attempt))
                .resolve("trainer-config.json")
                .toFile(),
            TrainerConfig.class);
    assertThat(config.phase()).isEqualTo("polish");
    assertThat(config.resumeFrom()).contains(phaseEnd);
    assertThat(config.ppo().learningRate).isEqualTo(3e-4);
    // what the first run stored is still there, unchanged
    assertThat(manifest(workdir, phaseEnd).kind()).isEqualTo(CheckpointKind.PHASE_END);
  }

  private TrainingRunStatus status(Path workdir) throws Exception {
    return yaml.readValue(
        workdir.resolve(RUN).resolve(LocalPlatform.STATUS_FILE).toFile(), TrainingRunStatus.class);
  }

  private CheckpointManifest manifest(Path workdir, String id) throws Exception {
    Path root = workdir.resolve("s3/ratchet-checkpoints/quickstart/local/" + RUN + "/checkpoints");
    try (Stream<Path> folders = Files.list(root)) {
      assertThat(folders.map(f -> f.getFileName().toString())).contains(id);
    }
    return json.readValue(
        root.resolve(id).resolve(CheckpointManifest.FILE_NAME).toFile(), CheckpointManifest.class);
  }
}

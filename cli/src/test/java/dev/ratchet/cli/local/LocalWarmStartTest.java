package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.runs.LocalRunSource;
import dev.ratchet.cli.runs.RunSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Warm starts with the real trainer in local mode: a run started from the quickstart's best
 * checkpoint (named by run) plays its first episodes at that checkpoint's level, not at random's,
 * and trains on; a run whose network differs is refused, naming the field — before any trainer when
 * the source is named by run, by the trainer when it is named by URI; the source's checkpoints are
 * untouched.
 */
class LocalWarmStartTest {

  static Path workdir;
  static TrainingRunStatus source;
  static List<String> sourceFiles;

  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @BeforeAll
  static void trainTheSource() throws Exception {
    workdir = Files.createTempDirectory("ratchet-warm");
    LocalRuns.Output r =
        LocalRuns.runFile(
            Path.of("..", "examples", "cartpole-quickstart.yaml").toAbsolutePath(), workdir);
    assertThat(r.code()).as(r.text()).isZero();
    source = status("cartpole-quickstart");
    assertThat(source.state).isEqualTo(RunState.SUCCEEDED);
    sourceFiles = files("cartpole-quickstart");
  }

  @Test
  void aRunStartedFromTheBestCheckpointPlaysAtItsLevelFromItsFirstEpisodes() throws Exception {
    Path file = variant("cartpole-warm", "[64, 64]", "run: cartpole-quickstart");

    LocalRuns.Output r = LocalRuns.runFile(file, workdir);

    assertThat(r.code()).as(r.text()).isZero();
    TrainingRunStatus warm = status("cartpole-warm");
    assertThat(warm.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(warm.initializedFrom).isEqualTo(source.bestCheckpoint.uri);
    List<EpisodeRecord> episodes = episodes("cartpole-warm");
    double first20 =
        episodes.stream().limit(20).mapToDouble(EpisodeRecord::score).average().orElseThrow();
    // random plays about 22 on CartPole; the source's best window was above 475
    assertThat(first20).as("mean score of the first 20 episodes").isGreaterThan(300);
    assertThat(episodes.get(0).episode()).isEqualTo(1); // its own count, from 0
    assertThat(files("cartpole-quickstart")).isEqualTo(sourceFiles);
  }

  @Test
  void aRunWhoseNetworkDiffersFromTheSourceRunsIsRefusedBeforeAnyTrainerStarts() throws Exception {
    Path file = variant("cartpole-narrow-run", "[32, 32]", "run: cartpole-quickstart");

    LocalRuns.Output r = LocalRuns.runFile(file, workdir);

    TrainingRunStatus narrow = status("cartpole-narrow-run");
    assertThat(narrow.state).as(r.text()).isEqualTo(RunState.FAILED);
    assertThat(narrow.attempt).isNull();
    assertThat(narrow.message)
        .isEqualTo(
            "The spec is invalid: spec.model.hiddenSizes: is [32, 32] but run"
                + " cartpole-quickstart's (spec.initFrom.run) is [64, 64]; a warm start needs the"
                + " source's network shape.");
    assertThat(files("cartpole-quickstart")).isEqualTo(sourceFiles);
  }

  @Test
  void aSourceRunThatIsNotInTheWorkdirIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path file = variant("cartpole-orphan", "[64, 64]", "run: cartpole-quickstrat");

    LocalRuns.Output r = LocalRuns.runFile(file, workdir);

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.text())
        .contains(
            "spec.initFrom.run: no run cartpole-quickstrat in workdir "
                + workdir
                + "; run it there first");
    assertThat(workdir.resolve("cartpole-orphan")).doesNotExist();
  }

  @Test
  void aCheckpointWhoseNetworkDiffersIsRefusedByTheTrainerNamingSpecInitFrom() throws Exception {
    Path file = variant("cartpole-narrow", "[32, 32]", "uri: " + source.bestCheckpoint.uri);

    LocalRuns.Output r = LocalRuns.runFile(file, workdir);

    TrainingRunStatus narrow = status("cartpole-narrow");
    assertThat(narrow.state).as(r.text()).isEqualTo(RunState.FAILED);
    assertThat(narrow.attempt).isEqualTo(1);
    assertThat(narrow.message)
        .contains("refused the warm start's checkpoint (exit code 4)")
        .contains("spec.initFrom: checkpoint " + source.bestCheckpoint.uri + " refused")
        .contains("does not fit this run's spec.model and environment");
    assertThat(files("cartpole-quickstart")).isEqualTo(sourceFiles);
  }

  /** The quickstart renamed, 60 episodes without a gate, warm-started as {@code initFrom} says. */
  private static Path variant(String name, String hiddenSizes, String initFrom) throws Exception {
    String text =
        Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml"))
            .replace("name: cartpole-quickstart", "name: " + name)
            .replace("hiddenSizes: [64, 64]", "hiddenSizes: " + hiddenSizes)
            .replace(
                "      episode: 1000\n      anyOf:\n      - metric: scoreMean\n"
                    + "        above: 475\n        forEpisodes: 20\n",
                "      episode: 60\n")
            .replace("  phases:", "  initFrom:\n    " + initFrom + "\n  phases:");
    assertThat(text).contains("initFrom:").contains("episode: 60\n");
    return Files.writeString(workdir.resolve(name + ".yaml"), text);
  }

  private static TrainingRunStatus status(String name) throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .readValue(
            workdir.resolve(name).resolve(LocalPlatform.STATUS_FILE).toFile(),
            TrainingRunStatus.class);
  }

  private List<EpisodeRecord> episodes(String name) throws Exception {
    try (RunSource runs = new LocalRunSource(workdir)) {
      return runs.files(runs.read(name)).episodes();
    }
  }

  /** Every stored file of a run, with its size and time, to see that nothing changed. */
  private static List<String> files(String name) throws Exception {
    Path root = workdir.resolve("s3/ratchet-checkpoints/quickstart/local/" + name);
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(
              f -> {
                try {
                  return root.relativize(f)
                      + " "
                      + Files.size(f)
                      + " "
                      + Files.getLastModifiedTime(f).toMillis();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }
}

package dev.ratchet.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example under examples/ passes the CRD schema and the cross-field rules. */
class ExamplesValidationTest {

  static final Path EXAMPLES = Path.of("..", "examples");

  private final TrainingRunReader reader = new TrainingRunReader();

  static Stream<Path> examples() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(EXAMPLES)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "cartpole-quickstart.yaml", "dungeon-moe-three-phase.yaml", "intercept-lstm.yaml");
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleIsValid(Path example) throws IOException {
    TrainingRunReader.Result result = reader.read(Files.readString(example));

    assertThat(result.violations()).as("violations of %s", example).isEmpty();
    assertThat(result.run().getMetadata().getName()).isNotBlank();
  }

  @Test
  void dungeonExampleHasTheThreePhasesOfTheDesign() throws IOException {
    TrainingRun run =
        reader.read(Files.readString(EXAMPLES.resolve("dungeon-moe-three-phase.yaml"))).run();

    assertThat(run.getSpec().model.architecture).isEqualTo(Architecture.MOE);
    assertThat(run.getSpec().model.experts).isEqualTo(4);
    assertThat(run.getSpec().phases)
        .extracting(p -> p.name, p -> p.until.episode, p -> p.routing)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("warmup", 1000L, Routing.SOFTMAX),
            org.assertj.core.groups.Tuple.tuple("transition", 3000L, Routing.SPARSEMAX),
            org.assertj.core.groups.Tuple.tuple("fine-tune", 5000L, Routing.SPARSEMAX));
    assertThat(run.getSpec().phases.get(2).temperature.to).isEqualTo(0.2);
    assertThat(run.getSpec().checkpoints.everyEpisodes).isEqualTo(100);
    assertThat(run.getSpec().divergence.enabled).isTrue();
  }

  @Test
  void theMinimalRunNeedsOnlyAnEnvironmentAModelAndAPhase() throws IOException {
    String yaml = Files.readString(EXAMPLES.resolve("cartpole-minimal.yaml"));
    TrainingRun run = reader.read(yaml).run();

    assertThat(
            yaml.lines()
                .filter(l -> l.startsWith("  ") && !l.startsWith("   ") && !l.startsWith("  -")))
        .containsExactly("  name: cartpole-minimal", "  environment:", "  model:", "  phases:");
    assertThat(run.getSpec().checkpoints.storage.bucket).isEqualTo("ratchet-checkpoints");
    assertThat(run.getSpec().checkpoints.storage.endpoint).isNull(); // the platform's
    assertThat(run.getSpec().checkpoints.everyEpisodes).isEqualTo(100);
  }

  @Test
  void defaultsFillWhatAnExampleLeavesOut() throws IOException {
    TrainingRun run = reader.read(Files.readString(EXAMPLES.resolve("intercept-lstm.yaml"))).run();

    assertThat(run.getSpec().suspend).isFalse();
    assertThat(run.getSpec().phases.get(0).routing).isEqualTo(Routing.SOFTMAX);
    assertThat(run.getSpec().checkpoints.storage.prefix).isEqualTo("intercept");
    assertThat(run.getSpec().checkpoints.storage.region).isEqualTo("us-east-1");
    assertThat(run.getSpec().environment.options.get("interceptRadius").asDouble())
        .isEqualTo(150.0);
  }
}

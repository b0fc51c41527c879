package dev.ratchet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ratchet validate} accepts the examples and names the field of a bad file. */
class ValidateCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = RatchetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void examplesAreValid() {
    int exit =
        run(
            "validate",
            "../examples/cartpole-quickstart.yaml",
            "../examples/dungeon-moe-three-phase.yaml",
            "../examples/intercept-lstm.yaml",
            "../examples/gymnasium-cartpole.yaml");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("valid TrainingRun cartpole-quickstart")
        .contains("valid TrainingRun dungeon-moe")
        .contains("valid TrainingRun intercept-lstm")
        .contains("valid TrainingRun gymnasium-cartpole");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void badFileExitsTwoWithTheFieldPathAndNoTrace(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(Path.of("../examples/cartpole-quickstart.yaml"))
            .replace("numEnvs: 8", "numEnvs: 0"));

    int exit = run("validate", bad.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("spec.environment.numEnvs: must be at least 1, got 0")
        .doesNotContain("Exception");
  }

  @Test
  void aFileWithASchemaMistakeAndACrossFieldMistakeGetsBothMessagesAtOnce(@TempDir Path dir)
      throws IOException {
    Path bad = dir.resolve("two-mistakes.yaml");
    Files.writeString(
        bad,
        Files.readString(Path.of("../examples/cartpole-quickstart.yaml"))
            .replace("gamma: 0.99", "gamma: 1.5")
            .replace("  - name: train\n", "  - name: train\n    routing: sparsemax\n"));

    int exit = run("validate", bad.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            bad
                + ": spec.ppo.gamma: must be at most 1, got 1.5"
                + System.lineSeparator()
                + bad
                + ": spec.phases[0].routing: sparsemax only applies to model.architecture moe;"
                + " use softmax or set the architecture"
                + System.lineSeparator());
  }

  @Test
  void anExternalEnvironmentWithoutItsServerOrWithABadPortIsNamed(@TempDir Path dir)
      throws IOException {
    String example = Files.readString(Path.of("../examples/gymnasium-cartpole.yaml"));
    Path noCommand = dir.resolve("no-command.yaml");
    Files.writeString(
        noCommand,
        example.replace(
            "      command: [ratchet-env-serve, \"gymnasium:CartPole-v1\", --success, truncated]\n",
            ""));
    Path badPort = dir.resolve("bad-port.yaml");
    Files.writeString(badPort, example.replace("port: 50061", "port: 70000"));

    assertThat(run("validate", noCommand.toString(), badPort.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            noCommand
                + ": spec.environment.external.command: must name the server's program and its"
                + " arguments, e.g. [ratchet-env-serve, gymnasium:CartPole-v1]")
        .contains(badPort + ": spec.environment.external.port: must be at most 65535, got 70000");
  }

  @Test
  void missingFileAndUnknownVerbExitTwo(@TempDir Path dir) {
    assertThat(run("validate", dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.yaml: cannot be read");
    assertThat(run("frobnicate")).isEqualTo(2);
  }
}

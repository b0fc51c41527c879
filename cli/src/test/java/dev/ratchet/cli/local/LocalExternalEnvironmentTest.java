package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ratchet local run} of an external environment: the example's Gymnasium CartPole-v1, its
 * server a child process of the run (the repository's envs/python), which dies once mid-run; the
 * supervisor restarts the attempt from the latest checkpoint with a new server, and the run solves
 * CartPole.
 */
class LocalExternalEnvironmentTest {

  private static final Path PACKAGE = Path.of("..", "envs", "python").toAbsolutePath().normalize();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void gymnasiumCartPoleIsSolvedThroughItsServerWhichIsRestartedAfterItDied(@TempDir Path workdir)
      throws Exception {
    Path marker = workdir.resolve("crashed-once");
    String command =
        "[env, \"PYTHONPATH="
            + PACKAGE.resolve("src")
            + ":"
            + PACKAGE
            + "\", python3, -m, ratchet_env, \"tests.fixtures:CartPoleCrashingOnce\", --success,"
            + " truncated, --env-kwargs, '{\"marker\": \""
            + marker
            + "\", \"steps\": 8000}']";
    Path spec = workdir.resolve("run.yaml");
    Files.writeString(
        spec,
        Files.readString(Path.of("../examples/gymnasium-cartpole.yaml"))
            .replace(
                "[ratchet-env-serve, \"gymnasium:CartPole-v1\", --success, truncated]", command)
            .replace("port: 50061", "port: " + LocalRunTest.freePort()));

    CommandLine cli = RatchetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "local",
            "run",
            spec.toString(),
            "--workdir",
            workdir.toString(),
            "--port",
            Integer.toString(LocalRunTest.freePort()),
            "--trainer-jar",
            LocalRunTest.trainerJar().toString());

    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    TrainingRunStatus status =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                workdir.resolve("gymnasium-cartpole/status.yaml").toFile(),
                TrainingRunStatus.class);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.bestCheckpoint.scoreMean).as("solved").isGreaterThanOrEqualTo(475.0);
    assertThat(status.metrics.successRate).as("the pole still up at the time limit").isPositive();
    assertThat(Files.exists(marker)).as("the first server died").isTrue();
    assertThat(status.restarts).isEqualTo(1);
    assertThat(status.history)
        .extracting((HistoryEntry h) -> h.reason)
        .anySatisfy(
            reason ->
                assertThat(reason)
                    .contains("went away during a step")
                    .contains("the environment server had exited with code 3"));
    assertThat(workdir.resolve("gymnasium-cartpole/attempt-0002/environment.log"))
        .content()
        .contains("ratchet-env-serve: serving 8 copies of tests.fixtures:CartPoleCrashingOnce");
  }
}

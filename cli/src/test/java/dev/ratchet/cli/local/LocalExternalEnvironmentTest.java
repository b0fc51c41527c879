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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ratchet local run} of an external environment: the example's Gymnasium CartPole-v1, its
 * server a child process of the run (the repository's envs/python), which dies once mid-run; the
 * supervisor restarts the attempt from the latest checkpoint with a new server, and the run solves
 * CartPole; and a killed trainer whose server goes with it.
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
    int exit = run(workdir, command);

    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    TrainingRunStatus status = status(workdir);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    // the phase's gate: solved, the score mean above 475 for 20 episodes
    assertThat(status.message).contains("scoreMean stayed above 475 for 20 episodes");
    assertThat(status.metrics.scoreMean).as("solved").isGreaterThanOrEqualTo(475.0);
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

  @Test
  void aKilledTrainerTakesItsServerAlongAndTheNextAttemptStartsANewOne(@TempDir Path workdir)
      throws Exception {
    String command =
        "[env, \"PYTHONPATH="
            + PACKAGE.resolve("src")
            + "\", python3, -m, ratchet_env, \"gymnasium:CartPole-v1\", --success, truncated]";
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return run(workdir, command);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Path attempt1 = workdir.resolve("gymnasium-cartpole/attempt-0001");
    ProcessHandle trainer = awaitChild("ratchet-trainer", Duration.ofMinutes(2));
    ProcessHandle server = awaitChild("ratchet_env", Duration.ofMinutes(1));
    // let it commit a checkpoint or two, then SIGKILL the trainer: no preempt checkpoint
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Files.readString(attempt1.resolve("trainer.log")).contains("committed PERIODIC")
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    trainer.destroyForcibly();
    trainer.onExit().get(30, TimeUnit.SECONDS);

    assertThat(exit.get(5, TimeUnit.MINUTES)).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    assertThat(server.isAlive())
        .as("the first attempt's server stopped with its trainer")
        .isFalse();
    TrainingRunStatus status = status(workdir);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.restarts).isEqualTo(1);
    // the second server could listen on the same port: the first had let go of it
    assertThat(workdir.resolve("gymnasium-cartpole/attempt-0002/environment.log"))
        .content()
        .contains("ratchet-env-serve: serving 8 copies of gymnasium:CartPole-v1 on 127.0.0.1:");
  }

  /** Runs the example under {@code workdir} with {@code command} as its server's command. */
  private int run(Path workdir, String command) throws Exception {
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
    return cli.execute(
        "local",
        "run",
        spec.toString(),
        "--workdir",
        workdir.toString(),
        "--port",
        Integer.toString(LocalRunTest.freePort()),
        "--trainer-jar",
        LocalRunTest.trainerJar().toString());
  }

  private static TrainingRunStatus status(Path workdir) throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readValue(
            workdir.resolve("gymnasium-cartpole/status.yaml").toFile(), TrainingRunStatus.class);
  }

  /** The first child process of this JVM whose command line contains {@code text}. */
  private static ProcessHandle awaitChild(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var found =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().commandLine().orElse("").contains(text))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no child process running " + text);
  }
}

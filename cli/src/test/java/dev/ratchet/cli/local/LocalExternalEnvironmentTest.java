package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ratchet local run} of an external environment: the example's Gymnasium CartPole-v1, its
 * server a child process of the run (the repository's envs/python), which dies once mid-run; the
 * supervisor restarts the attempt from the latest checkpoint with a new server, and the run solves
 * CartPole; a killed trainer whose server goes with it; and a run with spec.evaluation, whose
 * checkpoints are evaluated on the server's evaluation copies, and {@code ratchet evaluate} of it,
 * which starts a server of its own.
 */
class LocalExternalEnvironmentTest {

  private static final Path PACKAGE = Path.of("..", "envs", "python").toAbsolutePath().normalize();

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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

  @Test
  void checkpointsAreEvaluatedGreedilyOnTheServersOwnCopiesAndRatchetEvaluateRepeatsTheFigures(
      @TempDir Path workdir) throws Exception {
    String command =
        "[env, \"PYTHONPATH="
            + PACKAGE.resolve("src")
            + "\", python3, -m, ratchet_env, \"gymnasium:CartPole-v1\", --success, truncated]";
    long t0 = System.nanoTime();
    int exit =
        run(
            workdir,
            command,
            yaml ->
                yaml.replace("episode: 800", "episode: 300")
                    .replace(
                        "  checkpoints:\n",
                        "  evaluation:\n    episodes: 8\n    seed: 5\n  checkpoints:\n"));
    double seconds = (System.nanoTime() - t0) / 1e9;

    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    TrainingRunStatus status = status(workdir);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    List<CheckpointManifest> evaluated =
        manifests(workdir).stream()
            .filter(
                m -> m.kind() == CheckpointKind.PERIODIC || m.kind() == CheckpointKind.PHASE_END)
            .toList();
    assertThat(evaluated).extracting(CheckpointManifest::kind).contains(CheckpointKind.PERIODIC);
    assertThat(evaluated)
        .allSatisfy(
            m -> {
              assertThat(m.evaluation()).as(m.id()).isNotNull();
              assertThat(m.evaluation().episodes()).isEqualTo(8);
              assertThat(m.evaluation().deterministic()).isTrue();
              assertThat(m.evaluation().seed()).isEqualTo(5);
            });
    CheckpointManifest last = evaluated.get(evaluated.size() - 1);
    System.out.printf(
        "gymnasium CartPole-v1 in local mode with evaluation: %d episodes in %.1f s; evaluated"
            + " %s: greedy %.1f ± %.1f, success %.0f %%%n",
        last.episode(),
        seconds,
        evaluated.stream().map(m -> m.id() + " " + m.evaluation().scoreMean()).toList(),
        last.evaluation().scoreMean(),
        last.evaluation().scoreStd(),
        100 * last.evaluation().successRate());
    // a random policy balances CartPole for about 22 steps
    assertThat(evaluated)
        .allSatisfy(m -> assertThat(m.evaluation().scoreMean()).isGreaterThan(100));
    assertThat(last.evaluation().scoreMean()).isGreaterThan(200.0);
    assertThat(status.latestCheckpoint.id).isEqualTo(last.id());

    // ratchet evaluate of that checkpoint: its own server (the run's command, a free port)
    StringWriter evaluateOut = new StringWriter();
    Path json = workdir.resolve("again.json");
    int code =
        RatchetCommand.newCommandLine()
            .setOut(new PrintWriter(evaluateOut))
            .setErr(new PrintWriter(evaluateOut))
            .execute(
                "evaluate",
                "gymnasium-cartpole",
                "--checkpoint",
                last.id(),
                "--workdir",
                workdir.toString(),
                "--out",
                json.toString(),
                "--trainer-jar",
                LocalRunTest.trainerJar().toString());
    assertThat(code).as(evaluateOut.toString()).isZero();
    assertThat(evaluateOut.toString()).contains("the same episodes, identical figures");
    assertThat(MAPPER.readValue(json.toFile(), EvaluationResult.class).withoutSeconds())
        .isEqualTo(last.evaluation().withoutSeconds());
    assertThat(ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("")))
        .as("the evaluation's server stopped with its trainer")
        .noneMatch(c -> c.contains("ratchet_env"));
  }

  /** Runs the example under {@code workdir} with {@code command} as its server's command. */
  private int run(Path workdir, String command) throws Exception {
    return run(workdir, command, yaml -> yaml);
  }

  /** As {@link #run(Path, String)}, the example edited by {@code edit} first. */
  private int run(Path workdir, String command, UnaryOperator<String> edit) throws Exception {
    Path spec = workdir.resolve("run.yaml");
    Files.writeString(
        spec,
        edit.apply(
            Files.readString(Path.of("../examples/gymnasium-cartpole.yaml"))
                .replace(
                    "[ratchet-env-serve, \"gymnasium:CartPole-v1\", --success, truncated]", command)
                .replace("port: 50061", "port: " + LocalRunTest.freePort())));
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

  /** The manifests of the run's committed checkpoints still stored, oldest first. */
  private static List<CheckpointManifest> manifests(Path workdir) throws Exception {
    Path root =
        workdir.resolve("s3/ratchet-checkpoints/gymnasium/local/gymnasium-cartpole/checkpoints");
    List<CheckpointManifest> found = new ArrayList<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.sorted().toList()) {
        Path manifest = folder.resolve(CheckpointManifest.FILE_NAME);
        if (Files.exists(manifest)) {
          found.add(MAPPER.readValue(manifest.toFile(), CheckpointManifest.class));
        }
      }
    }
    found.sort(Comparator.comparingLong(CheckpointManifest::episode));
    return found;
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

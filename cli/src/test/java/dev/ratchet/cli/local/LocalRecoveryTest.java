package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Local mode under real failures: a trainer killed mid-run, and Ctrl-C on the {@code ratchet}
 * process followed by a second {@code ratchet local run}.
 */
class LocalRecoveryTest {

  private static final String RUN_FILE = "src/test/resources/recovery-run.yaml";
  private static final String CHECKPOINTS =
      "s3/ratchet-checkpoints/recovery/local/recovery/checkpoints";

  @TempDir Path workdir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void killedTrainerRestartsFromTheLatestCheckpointAndNoCheckpointIsLost() throws Exception {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(this::runInProcess);
    await("two committed checkpoints", this::committed, c -> c.size() >= 2, Duration.ofMinutes(3));

    ProcessHandle trainer =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().commandLine().orElse("").contains("ratchet-trainer"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no trainer child process"));
    trainer.destroyForcibly(); // SIGKILL: no chance to write a preempt checkpoint
    trainer.onExit().get(30, TimeUnit.SECONDS);
    Set<String> atKill = committed();
    String latestAtKill = ((TreeSet<String>) atKill).last();
    // Retention (keepLast 100) keeps every periodic checkpoint; only superseded bests may go.
    Set<String> periodicAtKill =
        atKill.stream()
            .filter(id -> manifest(id).contains("\"periodic\""))
            .collect(Collectors.toCollection(TreeSet::new));

    TrainingRunStatus restarted =
        await(
            "the second attempt",
            this::status,
            s -> s != null && s.currentAttempt != null && s.currentAttempt.number == 2,
            Duration.ofMinutes(2));
    assertThat(restarted.currentAttempt.resumeFrom).isEqualTo(latestAtKill);
    assertThat(exit.get(5, TimeUnit.MINUTES)).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();

    TrainingRunStatus done = status();
    assertThat(done.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(done.history).anyMatch(h -> h.type == HistoryType.RESTART);
    assertThat(committed())
        .as("no committed checkpoint lost")
        .contains(latestAtKill)
        .containsAll(periodicAtKill);
    assertThat(out.toString()).contains("» Restarted:");
  }

  @Test
  void ctrlCWritesAPreemptCheckpointAndTheNextRunResumesFromIt() throws Exception {
    Path log = workdir.resolve("first-run.log");
    // setsid: the command gets its own process group, so the signal reaches it and its trainer
    // together, as Ctrl-C in a terminal does. env --default-signal: a build started in the
    // background of a script inherits SIGINT ignored, and a JVM keeps an ignored SIGINT ignored,
    // so without it the Ctrl-C would never arrive (a CI run failed so).
    Process first =
        new ProcessBuilder(
                "env",
                "--default-signal=INT",
                "setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RatchetCommand.class.getName(),
                "local",
                "run",
                RUN_FILE,
                "--workdir",
                workdir.toString(),
                "--port",
                Integer.toString(LocalRunTest.freePort()),
                "--trainer-jar",
                LocalRunTest.trainerJar().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await("a committed checkpoint", this::committed, c -> !c.isEmpty(), Duration.ofMinutes(3));
      Process kill =
          new ProcessBuilder("kill", "-INT", "--", "-" + first.pid()).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
      assertThat(first.waitFor(2, TimeUnit.MINUTES))
          .as("ratchet exits after Ctrl-C%n%s", Files.readString(log))
          .isTrue();
    } finally {
      first.destroyForcibly();
    }
    TrainingRunStatus suspended = status();
    assertThat(suspended.state).as(Files.readString(log)).isEqualTo(RunState.SUSPENDED);
    String preempt =
        committed().stream()
            .filter(id -> manifest(id).contains("\"preempt\""))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no preempt checkpoint: " + committed()));
    assertThat(suspended.latestCheckpoint.id).isEqualTo(preempt);

    int exit = runInProcess();

    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    TrainingRunStatus done = status();
    assertThat(done.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(done.history).anyMatch(h -> h.type == HistoryType.RESUME);
    assertThat(out.toString()).contains("» Resumed:");
    Path resumedLog = workdir.resolve("recovery/attempt-0002/trainer.log");
    assertThat(Files.readString(resumedLog)).contains(preempt);
  }

  private int runInProcess() {
    try {
      CommandLine cli = RatchetCommand.newCommandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      return cli.execute(
          "local",
          "run",
          RUN_FILE,
          "--workdir",
          workdir.toString(),
          "--port",
          Integer.toString(LocalRunTest.freePort()),
          "--trainer-jar",
          LocalRunTest.trainerJar().toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ids of the committed checkpoints (folders holding a manifest), sorted by episode. */
  private Set<String> committed() {
    Path root = workdir.resolve(CHECKPOINTS);
    if (!Files.isDirectory(root)) {
      return new TreeSet<>();
    }
    try (Stream<Path> folders = Files.list(root)) {
      return folders
          .filter(f -> Files.exists(f.resolve("manifest.json")))
          .map(f -> f.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String manifest(String id) {
    try {
      return Files.readString(workdir.resolve(CHECKPOINTS).resolve(id).resolve("manifest.json"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private TrainingRunStatus status() {
    Path file = workdir.resolve("recovery/status.yaml");
    try {
      return Files.exists(file)
          ? new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), TrainingRunStatus.class)
          : null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(String what, Supplier<T> probe, Predicate<T> done, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }
}

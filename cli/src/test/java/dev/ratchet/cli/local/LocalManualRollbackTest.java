package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manual rollback of a running local run: {@code ratchet rollback NAME --workdir W --to
 * CHECKPOINT} from another command, as a user would from a second terminal.
 */
class LocalManualRollbackTest {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static int ratchet(StringWriter out, StringWriter err, String... args) {
    return RatchetCommand.newCommandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void rollbackToANamedCheckpointRestartsFromItOnce(@TempDir Path workdir) throws Exception {
    // The recovery run, longer, so that it is still running when the rollback comes.
    Path file =
        Files.writeString(
            workdir.resolve("recovery.yaml"),
            Files.readString(Path.of("src/test/resources/recovery-run.yaml"))
                .replace("until: {episode: 400}", "until: {episode: 600}"));
    StringWriter runOut = new StringWriter();
    StringWriter runErr = new StringWriter();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                ratchet(
                    runOut,
                    runErr,
                    "local",
                    "run",
                    file.toString(),
                    "--workdir",
                    workdir.toString(),
                    "--port",
                    Integer.toString(freePort()),
                    "--trainer-jar",
                    trainerJarPath()));
    Path runDir = workdir.resolve("recovery");
    Path checkpoints =
        workdir.resolve("s3/ratchet-checkpoints/recovery/local/recovery/checkpoints");
    // Wait for a periodic checkpoint (retention keeps those; superseded bests may go), ask for it.
    String target = null;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (target == null && Instant.now().isBefore(deadline) && !run.isDone()) {
      List<String> periodic = periodic(checkpoints);
      if (!periodic.isEmpty()) {
        target = periodic.get(0);
      }
      Thread.sleep(200);
    }
    assertThat(target).as("a periodic checkpoint committed\n%s\n%s", runOut, runErr).isNotNull();

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ratchet(out, err, "rollback", "recovery", "--workdir", workdir.toString(), "--to", target);
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("roll back to " + target + " (nonce 1)");
    Instant asked = Instant.now();

    assertThat(run.get(5, TimeUnit.MINUTES)).as("%s\n%s", runOut, runErr).isZero();
    System.out.printf(
        "manual rollback asked %.1f s before the run ended%n",
        Duration.between(asked, Instant.now()).toMillis() / 1000.0);
    TrainingRunStatus status =
        YAML.readValue(runDir.resolve("status.yaml").toFile(), TrainingRunStatus.class);
    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    String to = target;
    List<HistoryEntry> manual =
        status.history.stream().filter(h -> h.type == HistoryType.MANUAL_ROLLBACK).toList();
    assertThat(manual).as("history %s", status.history).hasSize(1);
    assertThat(manual.get(0).to).isEqualTo(to);
    assertThat(status.observedRollbackNonce).isEqualTo("1");
    assertThat(Files.readString(runDir.resolve("attempt-0002/trainer.log")))
        .contains("resumed from")
        .contains(to);
    assertThat(runDir.resolve("attempt-0003")).doesNotExist();
    assertThat(runOut.toString()).contains("» ManualRollback:");
  }

  private static List<String> periodic(Path checkpoints) throws Exception {
    if (!Files.isDirectory(checkpoints)) {
      return List.of();
    }
    try (Stream<Path> folders = Files.list(checkpoints)) {
      return folders
          .filter(f -> Files.exists(f.resolve("manifest.json")))
          .filter(f -> manifest(f).contains("\"kind\":\"periodic\""))
          .map(f -> f.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  private static String manifest(Path folder) {
    try {
      return Files.readString(folder.resolve("manifest.json"));
    } catch (Exception e) {
      return ""; // being written: looked at again on the next poll
    }
  }

  private static String trainerJarPath() {
    try {
      return LocalRunTest.trainerJar().toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try {
      return LocalRunTest.freePort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

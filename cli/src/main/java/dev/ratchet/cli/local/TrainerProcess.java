package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.core.supervisor.TrainerPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The trainer of one attempt as a child process: the trainer jar with the same config file,
 * environment variables and exit-code contract as in a pod.
 */
public final class TrainerProcess {

  private final TrainerConfig config;
  private final Process process;
  private final Path terminationLog;

  private TrainerProcess(TrainerConfig config, Process process, Path terminationLog) {
    this.config = config;
    this.process = process;
    this.terminationLog = terminationLog;
  }

  /** The attempt's file the trainer writes its one-line reason to when it fails. */
  static final String TERMINATION_LOG_FILE = "termination-log";

  /** Writes the attempt's config as it was decided and starts the trainer. */
  static TrainerProcess start(
      Path trainerJar, Path attemptDir, TrainerConfig config, String s3AccessKey, String s3Secret)
      throws IOException {
    return start(trainerJar, attemptDir, config, s3AccessKey, s3Secret, List.of());
  }

  /**
   * Starts a trainer that evaluates its config's resume checkpoint and writes the result to {@code
   * out} (its {@code --evaluate} mode), with the same config file, environment and exit codes as an
   * attempt.
   */
  public static TrainerProcess startEvaluation(
      Path trainerJar,
      Path dir,
      TrainerConfig config,
      String s3AccessKey,
      String s3Secret,
      Path out)
      throws IOException {
    return start(
        trainerJar,
        dir,
        config,
        s3AccessKey,
        s3Secret,
        List.of("--evaluate", out.toAbsolutePath().toString()));
  }

  private static TrainerProcess start(
      Path trainerJar,
      Path attemptDir,
      TrainerConfig config,
      String s3AccessKey,
      String s3Secret,
      List<String> arguments)
      throws IOException {
    Files.createDirectories(attemptDir);
    Path configFile = attemptDir.resolve("trainer-config.json");
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(configFile.toFile(), config);
    Path log = attemptDir.resolve("trainer.log");
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(trainerJar.toAbsolutePath().toString());
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put(TrainerEnv.CONFIG, configFile.toAbsolutePath().toString());
    Path terminationLog = attemptDir.resolve(TERMINATION_LOG_FILE);
    Files.deleteIfExists(terminationLog);
    builder
        .environment()
        .put(TrainerEnv.TERMINATION_LOG, terminationLog.toAbsolutePath().toString());
    builder.environment().put(TrainerEnv.S3_ACCESS_KEY, s3AccessKey);
    builder.environment().put(TrainerEnv.S3_SECRET_KEY, s3Secret);
    // the trainer's /metrics and /v1/progress stay on this machine, like the local /metrics
    builder.environment().put(TrainerEnv.HTTP_HOST, "127.0.0.1");
    builder.environment().putIfAbsent("PYTORCH_FLAVOR", "cpu");
    return new TrainerProcess(config, builder.start(), terminationLog);
  }

  int attempt() {
    return config.attempt();
  }

  int port() {
    return config.httpPort();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Asks the trainer to stop (SIGTERM); with a preempt checkpoint it gets its config's grace
   * period, as a pod's terminationGracePeriodSeconds, before SIGKILL.
   */
  void stop(boolean preemptCheckpoint) throws InterruptedException {
    process.destroy();
    long grace = preemptCheckpoint ? config.preemptGraceSeconds() : 5;
    if (!process.waitFor(grace, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Waits for the trainer to exit; null when it succeeded, else why it failed (its one-line reason,
   * or the exit code).
   */
  public String awaitFailure() throws InterruptedException {
    int code = process.waitFor();
    if (code == 0) {
      return null;
    }
    String why = reason(code);
    return why != null ? why : "the trainer exited with code " + code;
  }

  /** What the supervisor sees of this trainer. */
  TrainerObservation observe() {
    if (process.isAlive()) {
      return new TrainerObservation(config.attempt(), TrainerPhase.RUNNING, null, null);
    }
    int code = process.exitValue();
    return new TrainerObservation(
        config.attempt(),
        code == 0 ? TrainerPhase.SUCCEEDED : TrainerPhase.FAILED,
        code,
        code == 0 ? null : reason(code));
  }

  /**
   * Why the trainer exited, as a pod's status would say it: its own one-line reason from the
   * termination log, else the signal that ended it (exit code 128 + n), else null.
   */
  private String reason(int code) {
    try {
      if (Files.exists(terminationLog)) {
        String line = Files.readString(terminationLog).strip();
        if (!line.isEmpty()) {
          return line.length() > 300 ? line.substring(0, 300) : line;
        }
      }
    } catch (IOException e) {
      // the file is only for the message
    }
    return TrainerExitCodes.describeSignal(code);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "attempt %d (pid %d)", config.attempt(), process.pid());
  }
}

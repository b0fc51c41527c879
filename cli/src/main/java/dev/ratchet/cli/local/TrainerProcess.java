package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.EnvironmentName;
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
 * environment variables and exit-code contract as in a pod; with an external environment, its
 * server too, started first and stopped with the trainer (a sidecar's lifecycle).
 */
public final class TrainerProcess {

  private final TrainerConfig config;
  private final Process process;
  private final Path terminationLog;
  private final EnvironmentProcess environment;
  private final boolean external;

  private TrainerProcess(
      TrainerConfig config,
      Process process,
      Path terminationLog,
      EnvironmentProcess environment,
      boolean external) {
    this.config = config;
    this.process = process;
    this.terminationLog = terminationLog;
    this.environment = environment;
    this.external = external;
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
    boolean external = config.environment().name == EnvironmentName.EXTERNAL;
    EnvironmentProcess environment =
        external ? EnvironmentProcess.start(attemptDir, config.environment()) : null;
    try {
      return new TrainerProcess(config, builder.start(), terminationLog, environment, external);
    } catch (IOException e) {
      if (environment != null) {
        environment.process().destroyForcibly();
      }
      throw e;
    }
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
    // after the trainer: it steps the environment until its preempt checkpoint
    stopEnvironment(environment);
  }

  private static void stopEnvironment(EnvironmentProcess environment) throws InterruptedException {
    if (environment != null && environment.alive()) {
      environment.stop();
    }
  }

  /**
   * Waits for the trainer to exit; null when it succeeded, else why it failed (its one-line reason,
   * or the exit code).
   */
  public String awaitFailure() throws InterruptedException {
    int code = process.waitFor();
    // an evaluation's environment server serves no one once its trainer is done
    stopEnvironment(environment);
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
    // the reason first: it tells whether the environment server had ended on its own
    TrainerObservation ended =
        new TrainerObservation(
            config.attempt(),
            code == 0 ? TrainerPhase.SUCCEEDED : TrainerPhase.FAILED,
            code,
            code == 0 ? null : reason(code));
    try {
      // the run's environment server dies with its trainer
      stopEnvironment(environment);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ended;
  }

  /**
   * Why the trainer exited, as a pod's status would say it: its own one-line reason from the
   * termination log, else the signal that ended it (exit code 128 + n), else null.
   */
  private String reason(int code) {
    String reason = TrainerExitCodes.describeSignal(code);
    try {
      if (Files.exists(terminationLog)) {
        String line = Files.readString(terminationLog).strip();
        if (!line.isEmpty()) {
          reason = line.length() > 300 ? line.substring(0, 300) : line;
        }
      }
    } catch (IOException e) {
      // the file is only for the message
    }
    return code == TrainerExitCodes.ENVIRONMENT ? reason + environmentNote() : reason;
  }

  /** What became of the environment server, when it is the trainer's reason to have stopped. */
  private String environmentNote() {
    if (!external) {
      return "";
    }
    if (environment == null) {
      return " (the environment command could not start; see the attempt's "
          + EnvironmentProcess.LOG_FILE
          + ")";
    }
    Integer code = environment.exitCode();
    return code == null
        ? " (environment log: " + environment.log() + ")"
        : " (the environment server had exited with code "
            + code
            + "; its log: "
            + environment.log()
            + ")";
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "attempt %d (pid %d)", config.attempt(), process.pid());
  }
}

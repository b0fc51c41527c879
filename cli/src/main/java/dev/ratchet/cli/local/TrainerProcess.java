package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.core.supervisor.TrainerPhase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The trainer of one attempt as a child process: the trainer jar with the same config file,
 * environment variables and exit-code contract as in a pod.
 */
final class TrainerProcess {

  private final int attempt;
  private final Process process;
  private final int port;
  private final Path log;

  private TrainerProcess(int attempt, Process process, int port, Path log) {
    this.attempt = attempt;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Writes the attempt's config (with a free HTTP port) and starts the trainer. */
  static TrainerProcess start(
      Path trainerJar, Path attemptDir, TrainerConfig config, String s3AccessKey, String s3Secret)
      throws IOException {
    Files.createDirectories(attemptDir);
    int port = freePort();
    Path configFile = attemptDir.resolve("trainer-config.json");
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(configFile.toFile(), withPort(config, port));
    Path log = attemptDir.resolve("trainer.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    trainerJar.toAbsolutePath().toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put(TrainerEnv.CONFIG, configFile.toAbsolutePath().toString());
    builder.environment().put(TrainerEnv.S3_ACCESS_KEY, s3AccessKey);
    builder.environment().put(TrainerEnv.S3_SECRET_KEY, s3Secret);
    // the trainer's /metrics and /v1/progress stay on this machine, like the local /metrics
    builder.environment().put(TrainerEnv.HTTP_HOST, "127.0.0.1");
    builder.environment().putIfAbsent("PYTORCH_FLAVOR", "cpu");
    return new TrainerProcess(config.attempt(), builder.start(), port, log);
  }

  int attempt() {
    return attempt;
  }

  int port() {
    return port;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Asks the trainer to stop (SIGTERM); with a preempt checkpoint it gets the grace period. */
  void stop(boolean preemptCheckpoint, long graceSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(preemptCheckpoint ? graceSeconds : 5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** What the supervisor sees of this trainer. */
  TrainerObservation observe() {
    if (process.isAlive()) {
      return new TrainerObservation(attempt, TrainerPhase.RUNNING, null, null);
    }
    int code = process.exitValue();
    return new TrainerObservation(
        attempt,
        code == 0 ? TrainerPhase.SUCCEEDED : TrainerPhase.FAILED,
        code,
        code == 0 ? null : reason(code));
  }

  /**
   * Why the trainer exited: its own one-line reason ("ratchet-trainer: …", the last such line of
   * its log), else the signal that ended it (exit code 128 + n), else null.
   */
  private String reason(int code) {
    try {
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (line.startsWith(REASON_PREFIX)) {
          return line.length() > 300 ? line.substring(0, 300) : line;
        }
      }
    } catch (IOException e) {
      // the log is only for the message
    }
    if (code > 128 && code < 160) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 9 -> "SIGKILL";
            case 15 -> "SIGTERM";
            case 6 -> "SIGABRT";
            case 11 -> "SIGSEGV";
            default -> "signal " + signal;
          };
      return "killed by " + name;
    }
    return null;
  }

  /** How the trainer starts the one line that says why it exited (TrainerApp.fail). */
  static final String REASON_PREFIX = "ratchet-trainer:";

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static TrainerConfig withPort(TrainerConfig c, int port) {
    return new TrainerConfig(
        c.namespace(),
        c.run(),
        c.attempt(),
        c.phase(),
        c.phaseIndex(),
        c.phaseStartEpisode(),
        c.phaseEndEpisode(),
        c.untilEpisode(),
        c.resumeFrom(),
        c.environment(),
        c.model(),
        c.ppo(),
        c.routing(),
        c.temperature(),
        c.moe(),
        c.checkpoints(),
        c.storage(),
        c.device(),
        c.metricsWindow(),
        port);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "attempt %d (pid %d)", attempt, process.pid());
  }
}

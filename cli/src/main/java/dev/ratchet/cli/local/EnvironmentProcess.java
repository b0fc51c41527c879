package dev.ratchet.cli.local;

import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external environment's server as a child process of local mode: started from {@code
 * environment.external.command} just before its attempt's trainer and stopped with it, as a sidecar
 * shares its trainer's pod. Its output goes to the attempt's {@value #LOG_FILE}.
 */
final class EnvironmentProcess {

  /** The attempt's file with the server's output. */
  static final String LOG_FILE = "environment.log";

  /** Told to the server: the port to listen on and the copies to run. */
  static final String PORT_VARIABLE = TrainerEnv.ENVIRONMENT_PORT;

  static final String NUM_ENVS_VARIABLE = TrainerEnv.ENVIRONMENT_NUM_ENVS;

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process process;
  private final Path log;

  private EnvironmentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the server of {@code env} (name external) with its output in {@code attemptDir}. */
  static EnvironmentProcess start(Path attemptDir, EnvironmentSpec env) throws IOException {
    ExternalEnvironmentSpec external = env.external;
    Path log = attemptDir.resolve(LOG_FILE);
    List<String> command = new ArrayList<>();
    // In a session of its own: Ctrl-C reaches the whole terminal's process group, and the server
    // must outlive it until the trainer has written its preempt checkpoint (it is stopped after).
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.addAll(external.command);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put(PORT_VARIABLE, Integer.toString(external.port));
    builder.environment().put(NUM_ENVS_VARIABLE, Integer.toString(env.numEnvs));
    builder.environment().putIfAbsent("PYTHONUNBUFFERED", "1");
    try {
      return new EnvironmentProcess(builder.start(), log);
    } catch (IOException e) {
      // the trainer then waits for a server that never comes: its reason points at this log
      Files.writeString(
          log, "ratchet: cannot start environment.external.command " + command + ": " + e + "\n");
      return null;
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The server's exit code once it ended, else null. */
  Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  Path log() {
    return log;
  }

  Process process() {
    return process;
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}

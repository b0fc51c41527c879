package dev.ratchet.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The podman command with this project's settings for these machines ({@code
 * images/containers.conf}), and the images {@code images/build.sh} builds from the jars the Maven
 * build left and from envs/python.
 */
final class Podman {

  static final String TRAINER_IMAGE = "localhost/ratchet-trainer:dev";
  static final String OPERATOR_IMAGE = "localhost/ratchet-operator:dev";

  /** ratchet-env-serve with Gymnasium (envs/python/Containerfile), for external environments. */
  static final String ENV_GYMNASIUM_IMAGE = "localhost/ratchet-env-gymnasium:dev";

  private static final Path CONF = Artifacts.ROOT.resolve("images/containers.conf");

  private Podman() {}

  /** Builds the images (the bases first when they are missing; podman reuses unchanged layers). */
  static void buildImages() throws IOException, InterruptedException {
    Result built = command(List.of(Artifacts.ROOT.resolve("images/build.sh").toString()), 900);
    if (built.code() != 0) {
      throw new AssertionError(
          "images/build.sh failed (podman, runc, mmdebstrap and uidmap are needed: .ci/run"
              + " installs them):\n"
              + built.output());
    }
  }

  /** Runs {@code podman ARGS}; returns its exit code and output (stdout and stderr). */
  static Result run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    return command(command, 300);
  }

  /** Runs {@code podman ARGS} and returns its standard output; fails on a non-zero exit. */
  static String ok(List<String> args) throws IOException, InterruptedException {
    Result result = run(args);
    if (result.code() != 0) {
      throw new IOException("podman " + String.join(" ", args) + ": " + result.output().strip());
    }
    return result.output();
  }

  private static Result command(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONTAINERS_CONF", CONF.toString());
    Process process = builder.start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not end in " + timeoutSeconds + " s");
    }
    return new Result(process.exitValue(), output.join());
  }

  /** An exit code and what the command printed. */
  record Result(int code, String output) {}
}

package dev.ratchet.trainer.env.remote;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The repository's own environment server ({@code python3 -m ratchet_env}, envs/python) as a child
 * process on a free port, so the tests drive the real bridge rather than a Java imitation of it.
 */
public final class PythonEnvServer implements AutoCloseable {

  /** envs/python of this checkout (tests run in trainer-image/). */
  public static final Path PACKAGE = Path.of("..", "envs", "python").toAbsolutePath().normalize();

  private final Process process;
  private final int port;
  private final Path log;

  private PythonEnvServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code ratchet-env-serve target --num-envs n} and waits until it serves.
   *
   * @param extra further arguments, e.g. {@code --env-kwargs {"steps": 5}}
   */
  public static PythonEnvServer start(String target, int numEnvs, String... extra)
      throws IOException, InterruptedException {
    int port = freePort();
    Path log = Files.createTempFile("ratchet-env-serve", ".log");
    List<String> command = new ArrayList<>(List.of("python3", "-m", "ratchet_env", target));
    command.addAll(List.of("--num-envs", String.valueOf(numEnvs), "--port", String.valueOf(port)));
    command.addAll(List.of(extra));
    ProcessBuilder b =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().put("PYTHONPATH", pythonPath());
    PythonEnvServer server = new PythonEnvServer(b.start(), port, log);
    server.awaitServing();
    return server;
  }

  /** The package's sources and its tests (tests.fixtures), ahead of whatever is installed. */
  public static String pythonPath() {
    return PACKAGE.resolve("src") + java.io.File.pathSeparator + PACKAGE;
  }

  /** A port nothing listens on (now). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** Ends the server at once, as a crash or the OOM killer would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private void awaitServing() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (log().contains("ratchet-env-serve: serving")) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "the environment server did not start (python3 needs grpcio, protobuf, numpy and"
            + " gymnasium: see .ci/run); its log:\n"
            + log());
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }
}

package dev.ratchet.e2e.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl against one {@link KubeApiServer}: its own kubeconfig and its own discovery
 * cache (kubectl caches discovery per host and port, and a port can be reused by a later server),
 * each command bounded by a timeout so a hung call fails the test instead of the build.
 */
public final class Kubectl {

  /** A finished command: what a user would see. */
  public record Result(int exitCode, String stdout, String stderr) {

    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final String binary;
  private final Path kubeconfig;
  private final Path cacheDir;
  private final Path work;

  /** kubectl from {@code $KUBECTL}, else {@code /usr/bin/kubectl}, working under {@code work}. */
  public Kubectl(KubeApiServer server, Path work) {
    this.binary = System.getenv().getOrDefault("KUBECTL", "/usr/bin/kubectl");
    this.work = work;
    this.kubeconfig = server.writeKubeconfig(work.resolve("kubeconfig"));
    this.cacheDir = work.resolve("kube-cache");
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs with {@code stdin} as the standard input (for {@code -f -}). */
  public Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(List.of(args));
    return exec(command, Map.of(), stdin, args);
  }

  /**
   * Runs the kubectl plugin {@code kubectl-NAME} from the repository's {@code bin/} (as a user with
   * {@code bin/} on the PATH): kubectl takes no global flags before a plugin's name, so the
   * kubeconfig goes in {@code KUBECONFIG}.
   */
  public Result plugin(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add(name);
    command.addAll(List.of(args));
    Path bin = Path.of("..", "bin").toAbsolutePath().normalize();
    return exec(
        command,
        Map.of(
            "KUBECONFIG",
            kubeconfig.toString(),
            "PATH",
            bin + File.pathSeparator + System.getenv().getOrDefault("PATH", "")),
        null,
        args);
  }

  private Result exec(List<String> command, Map<String, String> env, String stdin, String[] args) {
    try {
      Path out = Files.createTempFile(work, "kubectl", ".out");
      Path err = Files.createTempFile(work, "kubectl", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(Path.of("").toAbsolutePath().toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().put("HOME", work.toString()); // no ~/.kube of the machine
      pb.environment().remove("KUBECONFIG");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "kubectl "
                + String.join(" ", args)
                + " still running after "
                + TIMEOUT
                + "\n"
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

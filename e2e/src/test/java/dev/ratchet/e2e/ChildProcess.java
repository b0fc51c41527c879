package dev.ratchet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program the test starts, its output in a log file that failures quote. */
final class ChildProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts a command with stdout and stderr going to {@code log}. */
  static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    return start(name, command, Path.of("").toAbsolutePath(), java.util.Map.of(), log);
  }

  /**
   * Starts a command in {@code dir} with {@code environment} changes (a null value removes the
   * variable), stdout and stderr going to {@code log}.
   */
  static ChildProcess start(
      String name,
      List<String> command,
      Path dir,
      java.util.Map<String, String> environment,
      Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    environment.forEach(
        (k, v) -> {
          if (v == null) {
            builder.environment().remove(k);
          } else {
            builder.environment().put(k, v);
          }
        });
    return new ChildProcess(name, builder.start(), log);
  }

  /** The process id, e.g. to signal its process group. */
  long pid() {
    return process.pid();
  }

  /** Starts {@code java} (the test's own) with the given arguments. */
  static ChildProcess java(String name, List<String> args, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return start(name, concat(java, args), log);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The processes it started (a local run's trainers). */
  java.util.stream.Stream<ProcessHandle> children() {
    return process.descendants();
  }

  /** Waits for the exit and returns the code; fails with the log's tail on a timeout. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + "\n" + tail(40));
    }
    return process.exitValue();
  }

  /** The last lines of the output, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return "--- last lines of "
          + log
          + " ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole output so far. */
  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static List<String> concat(String first, List<String> rest) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}

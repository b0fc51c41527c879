package dev.ratchet.cli.drills;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.local.LocalRuns;
import dev.ratchet.core.platform.ProgressReader;
import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One local-mode run for a fault drill: the real supervisor loop over real trainer child processes
 * and an embedded S3 server whose port stays the same when a drill stops and restarts it. What a
 * drill looks at is read the way a user would: status.yaml, the committed checkpoint folders on
 * disk, the trainer's own /v1/progress.
 */
final class DrillRun implements AutoCloseable {

  final Path workdir;
  final TrainingRun run;
  final StringWriter out = new StringWriter();
  private final Path s3Dir;
  private final int s3Port;
  private volatile EmbeddedS3Server s3;
  private final LocalRuns.Handle handle;
  private final ProgressReader progress = new ProgressReader();

  private DrillRun(Path workdir, TrainingRun run, Path s3Dir, int s3Port, EmbeddedS3Server s3)
      throws Exception {
    this.workdir = workdir;
    this.run = run;
    this.s3Dir = s3Dir;
    this.s3Port = s3Port;
    this.s3 = s3;
    this.handle = LocalRuns.start(run, workdir, s3, new PrintWriter(out, true));
  }

  /** Starts the run of {@code yaml} (with {@code edit} applied) under {@code workdir}. */
  static DrillRun start(Path workdir, String yaml, java.util.function.Consumer<TrainingRun> edit)
      throws Exception {
    TrainingRunReader.Result read = new TrainingRunReader().read(Files.readString(Path.of(yaml)));
    assertThat(read.valid()).as(read.violations().toString()).isTrue();
    TrainingRun run = read.run();
    edit.accept(run);
    Path s3Dir = workdir.resolve("s3");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedS3Server s3 = EmbeddedS3Server.start(s3Dir, port);
    s3.ensureBucket(run.getSpec().checkpoints.storage.bucket);
    return new DrillRun(workdir, run, s3Dir, port, s3);
  }

  String name() {
    return run.getMetadata().getName();
  }

  /** The run's status as written to status.yaml, or null before the first decision. */
  TrainingRunStatus status() {
    Path file = workdir.resolve(name()).resolve("status.yaml");
    try {
      return Files.exists(file)
          ? new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), TrainingRunStatus.class)
          : null;
    } catch (IOException e) {
      return null; // being written
    }
  }

  /** The folder of the run's checkpoints on the embedded server's disk. */
  Path checkpointsDir() {
    var storage = run.getSpec().checkpoints.storage;
    return s3Dir
        .resolve(storage.bucket)
        .resolve(storage.prefix)
        .resolve("local")
        .resolve(name())
        .resolve("checkpoints");
  }

  /**
   * A committed checkpoint as found on disk.
   *
   * @param kind its manifest's kind (periodic, best, preempt, phase-end)
   * @param fingerprint sha256 over its sorted file names and contents
   */
  record Committed(String kind, String fingerprint) {}

  /** The committed checkpoints (folders with a manifest) by id. */
  Map<String, Committed> committed() {
    Map<String, Committed> out = new TreeMap<>();
    Path root = checkpointsDir();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.toList()) {
        Path manifest = folder.resolve("manifest.json");
        if (Files.exists(manifest)) {
          String kind = new ObjectMapper().readTree(manifest.toFile()).path("kind").asText();
          out.put(folder.getFileName().toString(), new Committed(kind, fingerprint(folder)));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static String fingerprint(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path f : files.sorted().toList()) {
        digest.update(f.getFileName().toString().getBytes());
        digest.update(Files.readAllBytes(f));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current trainer child process, if one runs (one drill runs at a time in this JVM). */
  Optional<ProcessHandle> trainer() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains("ratchet-trainer"))
        .findFirst();
  }

  /** The running trainer's progress, asked directly, or empty. */
  Optional<ProgressReport> progress() {
    int port = handle.trainerPort();
    return port < 0
        ? Optional.empty()
        : progress.read("127.0.0.1", port, Long.MAX_VALUE).progress();
  }

  /** The running trainer's HTTP port, or -1. */
  int trainerPort() {
    return handle.trainerPort();
  }

  /** The S3 endpoint the run uses (the same across {@link #stopStorage()} and restart). */
  String storageEndpoint() {
    return "http://127.0.0.1:" + s3Port;
  }

  /** Stops the S3 server: its port refuses connections until {@link #startStorage()}. */
  void stopStorage() throws Exception {
    s3.close();
  }

  /** Starts the S3 server again on the same port and folder. */
  void startStorage() throws Exception {
    s3 = EmbeddedS3Server.start(s3Dir, s3Port);
  }

  /** The run's final status, once the supervisor loop returns. */
  /** Ctrl-C: the trainer writes a preempt checkpoint and the run is left Suspended. */
  void stop() {
    handle.stop();
  }

  /** The run's last status once its loop returned. */
  TrainingRunStatus finish(Duration timeout) throws Exception {
    return handle.result().get(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  CompletableFuture<TrainingRunStatus> result() {
    return handle.result();
  }

  /** Polls {@code probe} until {@code done} holds; fails after {@code timeout}. */
  static <T> T await(String what, Supplier<T> probe, Predicate<T> done, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (value != null && done.test(value)) {
        return value;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  @Override
  public void close() throws Exception {
    handle.stop();
    trainer().ifPresent(ProcessHandle::destroyForcibly);
    s3.close();
  }
}

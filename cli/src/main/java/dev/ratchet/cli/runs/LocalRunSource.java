package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.cli.local.LocalPlatform;
import dev.ratchet.cli.local.RollbackRequestFile;
import dev.ratchet.cli.local.StatusFile;
import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.s3.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs of a local-mode workdir: the run file and status kept under {@code WORKDIR/RUN/}, and the
 * stored files read through an embedded S3 server over {@code WORKDIR/s3}, as the local run wrote
 * them.
 */
public final class LocalRunSource implements RunSource {

  private final Path workdir;
  private EmbeddedS3Server s3;

  public LocalRunSource(Path workdir) {
    this.workdir = workdir;
  }

  @Override
  public TrainingRun read(String name) throws RunSourceException {
    Path runDir = workdir.resolve(name);
    Path runFile = runDir.resolve(LocalPlatform.RUN_FILE);
    if (!Files.isRegularFile(runFile)) {
      throw new RunSourceException(
          "no run " + name + " in workdir " + workdir + " (runs there: " + runsHere() + ")");
    }
    try {
      TrainingRun run = new TrainingRunReader().read(Files.readString(runFile)).run();
      if (run == null || run.getSpec() == null) {
        throw new RunSourceException(runFile + " is not a TrainingRun");
      }
      if (run.getMetadata() == null) {
        run.setMetadata(new ObjectMeta());
      }
      run.getMetadata().setName(name);
      run.getMetadata().setNamespace(LocalPlatform.NAMESPACE);
      run.setStatus(new StatusFile(runDir.resolve(LocalPlatform.STATUS_FILE)).read());
      return run;
    } catch (IOException e) {
      throw new RunSourceException("cannot read run " + name + " in " + runDir + ": " + e);
    }
  }

  @Override
  public RunFiles files(TrainingRun run) throws RunSourceException {
    if (s3 == null) {
      try {
        s3 = EmbeddedS3Server.start(workdir.resolve("s3"));
      } catch (Exception e) {
        throw new RunSourceException(
            "cannot open the local storage under " + workdir.resolve("s3") + ": " + e);
      }
    }
    var storage = run.getSpec().checkpoints.storage;
    return RunFiles.of(
        access(s3),
        storage.bucket,
        storage.prefix,
        LocalPlatform.NAMESPACE,
        run.getMetadata().getName());
  }

  /** How the command line and the trainers it starts reach a local run's embedded S3 server. */
  public static S3Access access(EmbeddedS3Server s3) {
    return new S3Access(
        s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
  }

  @Override
  public void requestRollback(TrainingRun run, String to, String nonce) throws RunSourceException {
    ManualRollbackSpec request = new ManualRollbackSpec();
    request.to = to;
    request.nonce = nonce;
    Path file = workdir.resolve(run.getMetadata().getName()).resolve(LocalPlatform.ROLLBACK_FILE);
    try {
      new RollbackRequestFile(file).write(request);
    } catch (IOException e) {
      throw new RunSourceException("cannot write " + file + ": " + e);
    }
  }

  /** The nonce asked for last in this workdir, or null. */
  public String lastNonce(String name) throws RunSourceException {
    Path file = workdir.resolve(name).resolve(LocalPlatform.ROLLBACK_FILE);
    try {
      ManualRollbackSpec last = new RollbackRequestFile(file).read();
      return last == null ? null : last.nonce;
    } catch (IOException e) {
      throw new RunSourceException("cannot read " + file + ": " + e);
    }
  }

  @Override
  public String where() {
    return "workdir " + workdir;
  }

  @Override
  public boolean trainersInPods() {
    return false; // child processes of `ratchet local run`
  }

  private String runsHere() {
    try (Stream<Path> dirs = Files.list(workdir)) {
      String names =
          dirs.filter(d -> Files.isRegularFile(d.resolve(LocalPlatform.RUN_FILE)))
              .map(d -> d.getFileName().toString())
              .sorted()
              .collect(Collectors.joining(", "));
      return names.isEmpty() ? "none" : names;
    } catch (IOException e) {
      return "none";
    }
  }

  @Override
  public void close() {
    if (s3 != null) {
      try {
        s3.close();
      } catch (Exception e) {
        // closing a loopback server: nothing to tell the user
      }
    }
  }
}

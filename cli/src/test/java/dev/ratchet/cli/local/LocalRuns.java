package dev.ratchet.cli.local;

import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** Starts a local run's supervisor loop on a thread of its own, for tests outside this package. */
public final class LocalRuns {

  private LocalRuns() {}

  /** A running local run. */
  public record Handle(LocalPlatform platform, CompletableFuture<TrainingRunStatus> result) {

    /** The running trainer's HTTP port, or -1. */
    public int trainerPort() {
      return platform.trainerPort();
    }

    /** Ctrl-C: the trainer writes a preempt checkpoint and the loop returns. */
    public void stop() {
      platform.requestStop();
    }
  }

  /** What a {@code ratchet local run} printed (stdout and stderr together) and its exit code. */
  public record Output(int code, String text) {}

  /**
   * Runs {@code ratchet local run FILE} as a user would, in {@code workdir} (also its current
   * folder), on a free port, with the packaged trainer jar.
   */
  public static Output runFile(Path file, Path workdir) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    int code =
        dev.ratchet.cli.RatchetCommand.newCommandLine(workdir)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(out))
            .execute(
                "local",
                "run",
                file.toString(),
                "--workdir",
                workdir.toString(),
                "--port",
                Integer.toString(LocalRunTest.freePort()),
                "--trainer-jar",
                LocalRunTest.trainerJar().toString());
    return new Output(code, out.toString());
  }

  /** The packaged trainer jar the runs start. */
  public static Path trainerJar() throws java.io.IOException {
    return LocalRunTest.trainerJar();
  }

  /** Runs {@code run} under {@code workdir} against {@code s3}, printing to {@code out}. */
  public static Handle start(TrainingRun run, Path workdir, EmbeddedS3Server s3, PrintWriter out)
      throws Exception {
    Path runDir = workdir.resolve(run.getMetadata().getName());
    Files.createDirectories(runDir);
    long total = run.getSpec().phases.get(run.getSpec().phases.size() - 1).until.episode;
    LocalPlatform platform =
        new LocalPlatform(
            run,
            runDir,
            LocalRunTest.trainerJar(),
            s3,
            new ProgressPrinter(out, Math.max(10, total / 20), total),
            Clock.systemUTC());
    CompletableFuture<TrainingRunStatus> result = new CompletableFuture<>();
    Thread loop =
        new Thread(
            () -> {
              try {
                result.complete(platform.run());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "local-run-" + run.getMetadata().getName());
    loop.setDaemon(true);
    loop.start();
    return new Handle(platform, result);
  }
}

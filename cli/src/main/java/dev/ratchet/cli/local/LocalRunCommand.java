package dev.ratchet.cli.local;

import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.report.ReportInput;
import dev.ratchet.cli.report.ReportWriter;
import dev.ratchet.cli.runs.RunFiles;
import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet local run FILE}: a TrainingRun on this machine, with the cluster's decisions. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a TrainingRun on this machine: trainer child processes, an embedded S3 server under",
      "the workdir, and the same decisions as the operator. Ctrl-C suspends after a preempt",
      "checkpoint; running the command again resumes."
    })
public final class LocalRunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "TrainingRun YAML file.")
  Path file;

  @Option(
      names = "--workdir",
      defaultValue = ".ratchet",
      description = "Where checkpoints, logs and status go (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(
      names = "--port",
      defaultValue = "9400",
      description = "Port of the local /metrics endpoint (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-linger",
      defaultValue = "0",
      description =
          "Seconds /metrics stays up after the run ends, so a scraper sees the final state"
              + " (default: ${DEFAULT-VALUE}).")
  int metricsLinger;

  @Option(
      names = "--trainer-jar",
      description = "The trainer jar (default: built next to this command).")
  Path trainerJar;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return badInput(err, file + ": cannot be read");
    }
    TrainingRunReader.Result result = new TrainingRunReader().read(text);
    if (!result.valid()) {
      result.violations().forEach(v -> err.println(file + ": " + v));
      err.flush();
      return RatchetCommand.EXIT_BAD_INPUT;
    }
    TrainingRun run = result.run();
    String name = run.getMetadata().getName();
    Path runDir = workdir.resolve(name);
    try {
      Files.createDirectories(runDir);
      Files.writeString(runDir.resolve(".write-test"), "");
      Files.delete(runDir.resolve(".write-test"));
      Files.writeString(runDir.resolve(LocalPlatform.RUN_FILE), text);
    } catch (IOException e) {
      return badInput(err, "workdir " + workdir + " is not writable: " + e.getMessage());
    }
    Path jar = trainerJar != null ? trainerJar : defaultTrainerJar();
    if (jar == null || !Files.isRegularFile(jar)) {
      return badInput(
          err,
          "trainer jar not found"
              + (jar == null ? "" : " at " + jar)
              + ": build it with ./mvnw -pl trainer-image -am package -DskipTests, or pass --trainer-jar");
    }

    try (EmbeddedS3Server s3 = EmbeddedS3Server.start(workdir.resolve("s3"))) {
      s3.ensureBucket(run.getSpec().checkpoints.storage.bucket);
      long total = run.getSpec().phases.get(run.getSpec().phases.size() - 1).until.episode;
      ProgressPrinter printer = new ProgressPrinter(out, Math.max(10, total / 50), total);
      LocalPlatform platform = new LocalPlatform(run, runDir, jar, s3, printer, Clock.systemUTC());
      LocalMetricsServer metrics;
      try {
        metrics = new LocalMetricsServer(port, platform.metrics(), platform::trainerPort);
      } catch (BindException e) {
        return badInput(err, "port " + port + " is busy: pass another with --port");
      }
      out.printf(
          "Ratchet local: run %s, workdir %s, metrics on http://127.0.0.1:%d/metrics%n",
          name, workdir, port);
      out.flush();
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                platform.requestStop();
                try {
                  finished.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      TrainingRunStatus status;
      try (metrics) {
        try {
          status = platform.run();
        } finally {
          finished.countDown();
        }
        if (metricsLinger > 0 && !platform.stopRequested()) {
          Thread.sleep(metricsLinger * 1000L); // the final state for the scraper
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: Ctrl-C
      }
      String report = writeReport(run, status, s3, runDir.resolve("report"));
      out.println(summary(name, status, runDir, workdir) + report);
      out.flush();
      return status.state == RunState.FAILED ? 1 : 0;
    }
  }

  /** The report of the run so far (also after Ctrl-C), as the last line's closing words. */
  private static String writeReport(
      TrainingRun run, TrainingRunStatus status, EmbeddedS3Server s3, Path dir) {
    var storage = run.getSpec().checkpoints.storage;
    String name = run.getMetadata().getName();
    try {
      var episodes =
          new RunFiles(s3.client(), storage.bucket, storage.prefix, LocalPlatform.NAMESPACE, name)
              .episodes();
      Path md =
          ReportWriter.write(
              new ReportInput(
                  LocalPlatform.NAMESPACE,
                  name,
                  status,
                  episodes,
                  ReportInput.windowOf(run.getSpec())),
              dir);
      return " Report: " + md + ".";
    } catch (Exception e) {
      // The run's outcome stands without it; `ratchet report` can try again.
      return " Report not written (" + e.getMessage() + ").";
    }
  }

  private static String summary(String name, TrainingRunStatus status, Path runDir, Path workdir) {
    CheckpointRef best = status.bestCheckpoint;
    String where =
        best == null
            ? "No checkpoint was committed."
            : "Best checkpoint "
                + best.id
                + " (score mean "
                + best.scoreMean
                + "): "
                + best.uri
                + ", stored under "
                + workdir.resolve("s3")
                + ".";
    String resume =
        status.state == RunState.SUSPENDED ? " Run the same command again to resume." : "";
    return "Run "
        + name
        + " "
        + status.state.label()
        + " at episode "
        + status.episode
        + ". "
        + where
        + " Status: "
        + runDir.resolve("status.yaml")
        + "."
        + resume;
  }

  private static int badInput(PrintWriter err, String line) {
    err.println("ratchet: " + line);
    err.flush();
    return RatchetCommand.EXIT_BAD_INPUT;
  }

  /** trainer-image/target/ratchet-trainer-*-all.jar of the checkout this command runs from. */
  static Path defaultTrainerJar() throws IOException {
    String configured = System.getProperty("ratchet.trainer.jar");
    if (configured != null) {
      return Path.of(configured);
    }
    Path target = Path.of("trainer-image", "target");
    if (!Files.isDirectory(target)) {
      return null;
    }
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().matches("ratchet-trainer-.*-all\\.jar"))
          .findFirst()
          .orElse(null);
    }
  }
}

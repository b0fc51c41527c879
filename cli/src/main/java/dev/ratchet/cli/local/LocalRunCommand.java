package dev.ratchet.cli.local;

import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.report.ReportInput;
import dev.ratchet.cli.report.ReportWriter;
import dev.ratchet.cli.runs.LocalRunSource;
import dev.ratchet.cli.runs.RunFiles;
import dev.ratchet.cli.runs.StatusText;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ratchet local run FILE}: a TrainingRun on this machine, with the cluster's decisions. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a TrainingRun on this machine, deciding as the operator would.",
      "The trainers run as child processes and store their checkpoints in an embedded S3 server"
          + " under the workdir.",
      "Ctrl-C suspends the run after a preempt checkpoint; the same command resumes it."
    })
public final class LocalRunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "TrainingRun YAML file.")
  Path file;

  @Option(
      names = "--workdir",
      defaultValue = ".ratchet",
      description = "Checkpoints, logs and status (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(
      names = "--port",
      defaultValue = "9400",
      converter = PortConverter.class,
      description = "Port of the local /metrics endpoint, 1-65535 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-linger",
      defaultValue = "0",
      description =
          "Seconds /metrics stays up after the run ends, so a scraper sees the final state"
              + " (default: ${DEFAULT-VALUE}).")
  int metricsLinger;

  @Option(
      names = "--progress-every",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Print a progress line every N episodes (default: about 50 lines over the run, at"
              + " least 10 episodes apart).")
  long progressEvery;

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
    String source = run.getSpec().initFrom == null ? null : run.getSpec().initFrom.run;
    if (source != null
        && !Files.isRegularFile(workdir.resolve(source).resolve(LocalPlatform.RUN_FILE))
        && !Files.isRegularFile(runDir.resolve(LocalPlatform.STATUS_FILE))) {
      // on a cluster the source may still be applied; here nothing else would ever create it
      return badInput(
          err,
          file
              + ": spec.initFrom.run: no run "
              + source
              + " in workdir "
              + workdir
              + "; run it there first (ratchet local run SOURCE.yaml --workdir "
              + workdir
              + "), or fix the name");
    }
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
      ProgressPrinter printer =
          new ProgressPrinter(
              out, progressEvery > 0 ? progressEvery : ProgressPrinter.defaultEvery(total), total);
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
      TrainingRunStatus before = new StatusFile(runDir.resolve(LocalPlatform.STATUS_FILE)).read();
      boolean endedBefore = before != null && before.state != null && before.state.isFinal();
      Optional<String> extension =
          endedBefore ? Supervisor.extensionPhase(run.getSpec(), before) : Optional.empty();
      if (extension.isPresent()) {
        out.printf(
            "Run %s had ended (%s) in phase %s; the file adds phase %s after it: training on"
                + " from the checkpoint it ended with.%n",
            name, before.state.label(), before.phase, extension.get());
      } else if (endedBefore) {
        out.printf(
            "Run %s had already ended (%s); nothing is trained again. To train it afresh, give it"
                + " another metadata.name or run it with another --workdir: this run's"
                + " checkpoints stay under %s.%n",
            name, before.state.label(), workdir.resolve("s3"));
      }
      out.flush();
      // Ctrl-C: the hook asks the run to stop and holds the JVM until the suspended run's report
      // and final line are written (releasing it when the loop returned lost both).
      CountDownLatch reported = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                platform.requestStop();
                try {
                  reported.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        TrainingRunStatus status;
        try (metrics) {
          status = platform.run();
          if (metricsLinger > 0 && !platform.stopRequested()) {
            Thread.sleep(metricsLinger * 1000L); // the final state for the scraper
          }
        }
        String report = writeReport(run, status, s3, runDir.resolve("report"));
        out.println(summary(name, status, runDir, workdir) + report);
        out.flush();
        return status.state == RunState.FAILED ? 1 : 0;
      } finally {
        reported.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down already: Ctrl-C
        }
      }
    }
  }

  /** The report of the run so far (also after Ctrl-C), as the last line's closing words. */
  private static String writeReport(
      TrainingRun run, TrainingRunStatus status, EmbeddedS3Server s3, Path dir) {
    var storage = run.getSpec().checkpoints.storage;
    String name = run.getMetadata().getName();
    // After Ctrl-C the JVM is shutting down, and ImageIO's file cache registers a shutdown hook
    // for every PNG it writes, which then throws: the charts are small, memory caches them.
    ImageIO.setUseCache(false);
    try {
      RunFiles files =
          RunFiles.of(
              LocalRunSource.access(s3),
              storage.bucket,
              storage.prefix,
              LocalPlatform.NAMESPACE,
              name);
      Path md =
          ReportWriter.write(
              new ReportInput(
                  LocalPlatform.NAMESPACE,
                  name,
                  status,
                  files.episodes(),
                  ReportInput.windowOf(run.getSpec()),
                  files.checkpoints().committed()),
              dir);
      return " Report: " + md + ".";
    } catch (Exception e) {
      // The run's outcome stands without it; `ratchet report` can try again.
      return " Report not written (" + e.getMessage() + ").";
    }
  }

  /** The final line: the run's state and message as status.yaml holds them, and where to look. */
  private static String summary(String name, TrainingRunStatus status, Path runDir, Path workdir) {
    String message = status.message != null ? status.message : "at episode " + status.episode + ".";
    return "Run "
        + name
        + (StatusText.messageNamesState(status) ? "" : " " + status.state.label())
        + ": "
        + message
        + " Checkpoints are stored under "
        + workdir.resolve("s3")
        + ". Status: "
        + runDir.resolve("status.yaml")
        + ".";
  }

  private static int badInput(PrintWriter err, String line) {
    err.println("ratchet: " + line);
    err.flush();
    return RatchetCommand.EXIT_BAD_INPUT;
  }

  /** trainer-image/target/ratchet-trainer-*-all.jar of the checkout this command runs from. */
  public static Path defaultTrainerJar() throws IOException {
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

package dev.ratchet.cli.runs;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.cli.report.ReportInput;
import dev.ratchet.cli.report.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ratchet report NAME [--out DIR]}: report.md and PNG charts from the run's records. By
 * default the report goes next to the run's own files: into the workdir for a local run, into
 * {@code ./ratchet-report-NAME} for a run in a cluster (a name .gitignore covers).
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write report.md and PNG charts (score, alpha entropy, expert usage, score distribution"
            + " per phase) from a run's stored episode records.")
public final class ReportCommand extends RunVerb {

  /** The folder of a cluster run's report in the current directory, before the run's name. */
  static final String CLUSTER_REPORT_PREFIX = "ratchet-report-";

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Folder to write to, relative to the current directory (default: WORKDIR/NAME/report"
              + " with --workdir, else ./"
              + CLUSTER_REPORT_PREFIX
              + "NAME).")
  Path outDir;

  @Mixin SegmentOption segments;

  @Override
  int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException {
    Path dir =
        outDir != null
            ? currentDirectory().resolve(outDir)
            : source.workdir != null
                ? currentDirectory().resolve(source.workdir).resolve(name).resolve("report")
                : currentDirectory().resolve(CLUSTER_REPORT_PREFIX + name);
    Path report = write(runs, run, dir, segments.every());
    out.println("Report of " + name + ": " + report);
    return 0;
  }

  /**
   * Reads the run's records and writes the report into {@code dir}, with a segment table of {@code
   * every} episodes unless null; returns report.md.
   */
  static Path write(RunSource runs, TrainingRun run, Path dir, Integer every)
      throws RunSourceException {
    try {
      return ReportWriter.write(input(runs, run), dir, every);
    } catch (IOException e) {
      throw new RunSourceException("cannot write the report to " + dir + ": " + e.getMessage());
    }
  }

  /** What a report of the run is made of: its status, every record, its checkpoints. */
  static ReportInput input(RunSource runs, TrainingRun run) throws RunSourceException {
    RunFiles files = runs.files(run);
    List<EpisodeRecord> episodes;
    try {
      episodes = files.episodes();
    } catch (IOException e) {
      throw new RunSourceException(
          "cannot read the records of run " + run.getMetadata().getName() + ": " + e.getMessage());
    }
    return new ReportInput(
        run.getMetadata().getNamespace(),
        run.getMetadata().getName(),
        run.getStatus(),
        episodes,
        ReportInput.windowOf(run.getSpec()),
        files.checkpoints().committed());
  }
}

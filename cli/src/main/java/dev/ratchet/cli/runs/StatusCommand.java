package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ratchet status NAME}: the run's status, history and checkpoints, readable. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a run's status, history and checkpoints (cluster, or --workdir).")
public final class StatusCommand extends RunVerb {

  @Override
  int run(RunSource runs, TrainingRun run, PrintWriter out) {
    out.print(StatusText.status(run, runs.where(), runs.trainersInPods()));
    out.println();
    out.println("Checkpoints:");
    try {
      out.print(StatusText.checkpoints(runs.files(run).checkpoints(), run.getStatus()));
    } catch (RunSourceException | RuntimeException e) {
      // The status is still worth showing when storage is out of reach from here.
      out.println("  not read: " + e.getMessage());
    }
    return 0;
  }
}

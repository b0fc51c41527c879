package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ratchet checkpoints NAME}: the run's stored checkpoints as storage lists them. */
@Command(
    name = "checkpoints",
    mixinStandardHelpOptions = true,
    description = "List a run's checkpoints in storage, marking best, latest and last good.")
public final class CheckpointsCommand extends RunVerb {

  @Override
  int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException {
    try {
      out.print(StatusText.checkpoints(runs.files(run).checkpoints(), run.getStatus()));
    } catch (RuntimeException e) {
      throw new RunSourceException("cannot list the checkpoints: " + e.getMessage());
    }
    return 0;
  }
}

package dev.ratchet.cli.runs;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.core.storage.CheckpointStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ratchet rollback NAME [--to best|CHECKPOINT]}: asks for one manual rollback by changing
 * {@code spec.rollback}'s nonce, as the documented {@code kubectl patch} does.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Roll a run back to its best checkpoint, or to a named one.")
public final class RollbackCommand extends RunVerb {

  @Option(
      names = "--to",
      defaultValue = "best",
      description =
          "Where to roll back to: best, or a checkpoint id such as ep-000001200-a0002 (default:"
              + " ${DEFAULT-VALUE}).")
  String to;

  @Override
  int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException {
    if (run.getStatus() != null
        && run.getStatus().state != null
        && run.getStatus().state.isFinal()) {
      throw new RunSourceException(
          "run "
              + name
              + " has ended ("
              + run.getStatus().state.label()
              + "): a rollback applies to a running run; its best checkpoint is "
              + (run.getStatus().bestCheckpoint == null
                  ? "none"
                  : run.getStatus().bestCheckpoint.uri));
    }
    if (!"best".equals(to) && !StorageLayout.isCheckpointId(to)) {
      throw new RunSourceException(
          "--to "
              + to
              + " is neither best nor a checkpoint id (ep-EEEEEEEEE-aAAAA): ratchet checkpoints "
              + name
              + " lists them");
    }
    if ("best".equals(to) && (run.getStatus() == null || run.getStatus().bestCheckpoint == null)) {
      refuseWithoutCheckpoints(runs, run);
    }
    if (!"best".equals(to)) {
      // Refuse a checkpoint storage does not hold before anything is stopped; when storage is out
      // of reach from here the operator checks it and says so in the status.
      CheckpointStore.Listing listing = null;
      try {
        listing = runs.files(run).checkpoints();
      } catch (RunSourceException | RuntimeException e) {
        out.println(
            "Could not list the checkpoints from here ("
                + e.getMessage()
                + "); the operator checks "
                + to
                + ".");
      }
      if (listing != null
          && listing.committed().stream().map(CheckpointManifest::id).noneMatch(to::equals)) {
        throw new RunSourceException(
            "checkpoint "
                + to
                + " is not a committed checkpoint of "
                + name
                + ": ratchet checkpoints "
                + name
                + " lists them");
      }
    }
    String nonce = nextNonce(runs, run);
    runs.requestRollback(run, to, nonce);
    List<String> status = new ArrayList<>(List.of("ratchet", "status", name));
    status.addAll(source.given()); // the same run: the user's --workdir or -n
    out.printf(
        "Asked %s (%s) to roll back to %s (nonce %s); follow it with: %s%n",
        name, runs.where(), to, nonce, CommandWords.join(status));
    return 0;
  }

  /**
   * A run with no best checkpoint yet (not started, or its best window not yet full) has nothing to
   * roll back to unless storage already holds a committed checkpoint: asking would change the nonce
   * for nothing.
   */
  private void refuseWithoutCheckpoints(RunSource runs, TrainingRun run) throws RunSourceException {
    boolean committed;
    try {
      committed = !runs.files(run).checkpoints().committed().isEmpty();
    } catch (RunSourceException | RuntimeException e) {
      committed = false;
    }
    if (!committed) {
      long episode =
          run.getStatus() == null || run.getStatus().episode == null ? 0 : run.getStatus().episode;
      throw new RunSourceException(
          "run "
              + name
              + " has no checkpoint to roll back to yet ("
              + (run.getStatus() == null || run.getStatus().state == null
                  ? "not started"
                  : run.getStatus().state.label() + " at episode " + episode)
              + "); nothing was changed: ask again once ratchet checkpoints "
              + name
              + " lists one");
    }
  }

  /** One more than the last nonce when it is a number, else a fresh one: any change asks once. */
  private String nextNonce(RunSource runs, TrainingRun run) throws RunSourceException {
    String last =
        runs instanceof LocalRunSource local
            ? local.lastNonce(name)
            : run.getSpec().rollback == null ? null : run.getSpec().rollback.nonce;
    if (last == null && run.getStatus() != null) {
      last = run.getStatus().observedRollbackNonce;
    }
    if (last == null) {
      return "1";
    }
    try {
      return Long.toString(Long.parseLong(last.trim()) + 1);
    } catch (NumberFormatException e) {
      return last + "-1";
    }
  }
}

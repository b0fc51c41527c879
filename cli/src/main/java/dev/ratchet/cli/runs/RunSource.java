package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import java.util.List;

/**
 * Where the run verbs read a run from: a cluster through the current kubeconfig, or a local-mode
 * workdir. A seam, so that status, checkpoints and reports read both the same way.
 */
public interface RunSource extends AutoCloseable {

  /** The run, spec and status; a clear message when there is no such run. */
  TrainingRun read(String name) throws RunSourceException;

  /**
   * The runs whose labels match a kubectl-style selector ({@code key=value}, {@code key!=value},
   * {@code key}, {@code !key}, comma-separated), by name; a clear message when the selector cannot
   * be read.
   */
  List<TrainingRun> list(String labelSelector) throws RunSourceException;

  /** The run's stored files; a clear message when storage cannot be reached. */
  RunFiles files(TrainingRun run) throws RunSourceException;

  /** Asks for a manual rollback by changing {@code spec.rollback}, as the user would by hand. */
  void requestRollback(TrainingRun run, String to, String nonce) throws RunSourceException;

  /** Where runs are read from, for messages: a namespace or a workdir. */
  String where();

  /** Whether trainers run in pods (a cluster), so that status names the pod. */
  default boolean trainersInPods() {
    return true;
  }

  @Override
  void close();
}

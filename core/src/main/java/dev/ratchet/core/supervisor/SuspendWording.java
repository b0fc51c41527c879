package dev.ratchet.core.supervisor;

/**
 * How a platform's users suspend and resume a run, for the history and the message: on a cluster
 * they set {@code spec.suspend}, in local mode they press Ctrl-C and run the command again, and a
 * message telling a local user to edit a field they never see is no help.
 *
 * @param suspendedBecause the history's reason for a suspension
 * @param resumedBecause the history's reason for a resumption
 * @param howToResume the end of the suspended run's message, an imperative
 */
public record SuspendWording(String suspendedBecause, String resumedBecause, String howToResume) {

  /** A cluster's: the TrainingRun's {@code spec.suspend}. */
  public static final SuspendWording CLUSTER =
      new SuspendWording(
          "spec.suspend was set to true",
          "spec.suspend was set to false",
          "set spec.suspend to false to resume from the latest checkpoint");
}

package dev.ratchet.api.trainer;

/**
 * Labels on every object the operator creates for a run: the operator selects its pods by them, so
 * a spec's extra labels may not override them.
 */
public final class TrainerLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "ratchet";
  public static final String RUN = "ratchet.dev/run";
  public static final String ATTEMPT = "ratchet.dev/attempt";
  public static final String PHASE = "ratchet.dev/phase";

  /** The prefix of every label Ratchet sets and selects by. */
  public static final String PREFIX = "ratchet.dev/";

  /** Whether a label key is Ratchet's own (a spec may not set it). */
  public static boolean reserved(String key) {
    return key.startsWith(PREFIX) || key.equals(MANAGED_BY);
  }

  private TrainerLabels() {}
}

package dev.ratchet.operator;

/** Labels on every object the operator creates for a run. */
public final class TrainerLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "ratchet";
  public static final String RUN = "ratchet.dev/run";
  public static final String ATTEMPT = "ratchet.dev/attempt";
  public static final String PHASE = "ratchet.dev/phase";

  private TrainerLabels() {}
}

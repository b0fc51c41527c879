package dev.ratchet.core.supervisor;

/** Kinds of events the supervisor emits; the name is the Kubernetes Event reason. */
public enum EventType {
  PHASE_TRANSITION("PhaseTransition", false),
  DIVERGENCE_DETECTED("DivergenceDetected", true),
  ROLLED_BACK("RolledBack", true),
  MANUAL_ROLLBACK("ManualRollback", false),
  MANUAL_ROLLBACK_REJECTED("ManualRollbackRejected", true),
  RESTARTED("Restarted", true),
  STALLED("Stalled", true),
  NON_FINITE("NonFiniteValues", true),
  PROGRESS_REJECTED("ProgressRejected", true),
  ROUTING_STUCK("RoutingStuck", true),
  DEAD_EXPERT("DeadExpert", true),
  EARLY_STOPPED("EarlyStopped", false),
  CHECKPOINT_COMMITTED("CheckpointCommitted", false),
  CHECKPOINT_REJECTED("CheckpointRejected", true),
  STORAGE_UNAVAILABLE("StorageUnavailable", true),
  STORAGE_BACK("StorageBack", false),
  ACTION_FAILED("ActionFailed", true),
  SUSPENDED("Suspended", false),
  RESUMED("Resumed", false),
  SUCCEEDED("Succeeded", false),
  EXTENDED("Extended", false),
  FAILED("Failed", true);

  private final String reason;
  private final boolean warning;

  EventType(String reason, boolean warning) {
    this.reason = reason;
    this.warning = warning;
  }

  /** The Kubernetes Event reason, e.g. {@code RolledBack}. */
  public String reason() {
    return reason;
  }

  /** Whether the event is a Warning (else Normal). */
  public boolean warning() {
    return warning;
  }
}

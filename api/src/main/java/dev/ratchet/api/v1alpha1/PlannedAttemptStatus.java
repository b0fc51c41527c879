package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * An attempt Ratchet decided to start once the current one has ended; recording it makes the
 * decision survive an operator restart without being taken twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlannedAttemptStatus {

  /**
   * {@link #resumeFrom} value: the newest checkpoint of the current line when the attempt starts.
   */
  public static final String LATEST = "latest";

  /** {@link #resumeFrom} value: start without a checkpoint. */
  public static final String SCRATCH = "scratch";

  @JsonPropertyDescription("Why the next attempt starts.")
  public AttemptReason reason;

  @JsonPropertyDescription("Index of the phase the next attempt trains.")
  public Integer phaseIndex;

  @JsonPropertyDescription(
      "Checkpoint id to start from, latest (newest when it starts) or scratch.")
  public String resumeFrom;

  @JsonPropertyDescription("The next attempt is not started before this time (RFC 3339).")
  public String notBefore;

  @JsonPropertyDescription("Why the current attempt is being stopped.")
  public String stopReason;

  @JsonPropertyDescription("Whether the current attempt is asked to write a preempt checkpoint.")
  public Boolean preemptCheckpoint;
}

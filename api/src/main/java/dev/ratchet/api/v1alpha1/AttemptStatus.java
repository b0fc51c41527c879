package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The attempt Ratchet started last, with what is needed to recognise or re-issue it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttemptStatus {

  @JsonPropertyDescription("Attempt number, starting at 1.")
  public Integer number;

  @JsonPropertyDescription("Why the attempt was started.")
  public AttemptReason reason;

  @JsonPropertyDescription("Index of the phase the attempt trains.")
  public Integer phaseIndex;

  @JsonPropertyDescription("Checkpoint id the attempt started from; unset when it started afresh.")
  public String resumeFrom;

  @JsonPropertyDescription("Episode the attempt started at.")
  public Long startEpisode;

  @JsonPropertyDescription("Episode at which the attempt ends by itself.")
  public Long untilEpisode;

  @JsonPropertyDescription("Episode at which the attempt's phase began, for annealing schedules.")
  public Long phaseStartEpisode;

  @JsonPropertyDescription(
      "The attempt's last episode whose windowed statistics the supervisor has judged.")
  public Long judgedThroughEpisode;

  @JsonPropertyDescription("Whether the platform has reported the attempt's trainer at least once.")
  public Boolean seen;

  @JsonPropertyDescription("When the attempt was started (RFC 3339).")
  public String startedAt;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One thing that happened to the run, for people reading its story. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {

  @JsonPropertyDescription("When it happened (RFC 3339).")
  public String time;

  @JsonPropertyDescription("What happened.")
  public HistoryType type;

  @JsonPropertyDescription("Phase, checkpoint or attempt before.")
  public String from;

  @JsonPropertyDescription("Phase, checkpoint or attempt after.")
  public String to;

  @JsonPropertyDescription("Episode at which it happened.")
  public Long episode;

  @JsonPropertyDescription("Why it happened, in a sentence.")
  public String reason;
}

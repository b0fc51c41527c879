package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A committed checkpoint as status points to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointRef {

  @JsonPropertyDescription("Checkpoint id, e.g. ep-000001200-a0004.")
  public String id;

  @JsonPropertyDescription("Episode the checkpoint was written at.")
  public Long episode;

  @JsonPropertyDescription("Phase the checkpoint was written in.")
  public String phase;

  @JsonPropertyDescription("Windowed score mean when the checkpoint was written.")
  public Double scoreMean;

  @JsonPropertyDescription(
      "checkpoints.best.metric over the last checkpoints.best.window episodes when the checkpoint"
          + " was written: the value best checkpoints are ranked by (scoreMean is over the metrics"
          + " window, which may be longer). Absent before that window filled.")
  public Double rankValue;

  @JsonPropertyDescription("Mean score of the checkpoint's evaluation episodes (spec.evaluation).")
  public Double evalScoreMean;

  @JsonPropertyDescription(
      "Success rate of the checkpoint's evaluation episodes (spec.evaluation).")
  public Double evalSuccessRate;

  @JsonPropertyDescription("s3:// URI of the checkpoint folder.")
  public String uri;

  @JsonPropertyDescription("sha256 of the checkpoint's manifest.json.")
  public String sha256;
}

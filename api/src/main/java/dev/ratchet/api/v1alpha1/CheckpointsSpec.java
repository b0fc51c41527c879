package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Checkpoint storage, cadence and retention. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointsSpec {

  @JsonPropertyDescription(
      "The S3 bucket (MinIO or any S3 endpoint) holding the checkpoints. Left out, local mode"
          + " stores in its embedded S3 server and the operator in its configured storage (the"
          + " chart's MinIO when minio.enabled).")
  public StorageSpec storage = new StorageSpec();

  @Default("100")
  @Min(1)
  @JsonPropertyDescription("A periodic checkpoint is written every this many episodes.")
  public long everyEpisodes = 100;

  @Default("5")
  @Min(1)
  @JsonPropertyDescription("Periodic checkpoints kept; the best and each phase's end are kept too.")
  public int keepLast = 5;

  @JsonPropertyDescription("How the best checkpoint is chosen.")
  public BestCheckpointSpec best = new BestCheckpointSpec();

  @Default("false")
  @JsonPropertyDescription("Delete the run's checkpoints when the TrainingRun is deleted.")
  public boolean deleteOnRunDeletion = false;
}

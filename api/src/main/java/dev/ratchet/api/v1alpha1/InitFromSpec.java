package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A warm start: the run's first attempt takes its network's parameters from another run's
 * checkpoint instead of a random initialization, then trains with its own phases and
 * hyperparameters. Only the parameters are taken (not the optimizer, environments or counters), and
 * the source checkpoint is only read, never changed or deleted.
 *
 * <p>The source is named either as a run ({@code run} and {@code checkpoint}, resolved by the
 * platform from that run's status and storage when the run starts, then pinned in {@code
 * status.initializedFrom}) or as a checkpoint folder's URI.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InitFromSpec {

  /** The checkpoint of the source run that {@link #checkpoint} names when left out. */
  public static final String BEST = "best";

  /** The source run's newest committed checkpoint. */
  public static final String LATEST = "latest";

  @JsonPropertyDescription(
      "Name of the source TrainingRun, in this run's namespace (the same --workdir in local mode)"
          + " and storage bucket. Its spec.model and environment.name must be this run's. Set"
          + " either run or uri.")
  public String run;

  @JsonPropertyDescription(
      "Which of the source run's committed checkpoints: best (its status.bestCheckpoint, the"
          + " default), latest (its status.latestCheckpoint) or a checkpoint id such as"
          + " ep-000000725-a0002 (ratchet checkpoints lists them). Only with run.")
  public String checkpoint;

  @JsonPropertyDescription(
      "s3:// URI of a committed checkpoint folder in this run's bucket, e.g."
          + " s3://ratchet-checkpoints/quickstart/local/cartpole-quickstart/checkpoints/ep-000000725-a0002/"
          + " (status.bestCheckpoint.uri of the source run). Its model must be this run's"
          + " spec.model on the same environment. Set either run or uri.")
  public String uri;
}

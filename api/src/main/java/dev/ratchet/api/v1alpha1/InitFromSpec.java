package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A warm start: the run's first attempt takes its network's parameters from another run's
 * checkpoint instead of a random initialization, then trains with its own phases and
 * hyperparameters. Only the parameters are taken (not the optimizer, environments or counters), and
 * the source checkpoint is only read, never changed or deleted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InitFromSpec {

  @Required
  @JsonPropertyDescription(
      "s3:// URI of a committed checkpoint folder in this run's bucket, e.g."
          + " s3://ratchet-checkpoints/quickstart/local/cartpole-quickstart/checkpoints/ep-000000725-a0002/"
          + " (status.bestCheckpoint.uri of the source run). Its model must be this run's"
          + " spec.model on the same environment.")
  public String uri;
}

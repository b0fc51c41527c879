package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Evaluation of the checkpoints: the training window's score is noisy and exploration-laden, so the
 * trainer also plays a fixed set of evaluation episodes with each checkpoint's policy, on separate
 * environment copies with fixed seeds, the way a user will deploy it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {

  @Default("10")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription(
      "Evaluation episodes played with the checkpoint of every checkpoints.everyEpisodes"
          + " episodes and with each phase's last one (not with best checkpoints in between,"
          + " nor with a preempt one).")
  public int episodes = 10;

  @Default("true")
  @JsonPropertyDescription(
      "Act greedily (the most likely action) in evaluation; false samples from the policy with"
          + " the evaluation seed.")
  public boolean deterministic = true;

  @JsonPropertyDescription(
      "Seed of the evaluation environments (and of sampling when not deterministic); left out,"
          + " environment.seed + 1. The same checkpoint evaluated with the same seed gives the same"
          + " figures.")
  public Long seed;
}

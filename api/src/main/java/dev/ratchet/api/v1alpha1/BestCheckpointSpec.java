package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** The metric and window that rank checkpoints; a single lucky episode never wins. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BestCheckpointSpec {

  @Default("scoreMean")
  @JsonPropertyDescription(
      "Metric that ranks checkpoints (higher is better): scoreMean or rewardMean over the"
          + " training window, or evalScoreMean or evalSuccessRate of each checkpoint's"
          + " evaluation (needs spec.evaluation).")
  public BestMetric metric = BestMetric.SCORE_MEAN;

  @Default("100")
  @Min(1)
  @JsonPropertyDescription(
      "Episodes in the window a training metric is averaged over, both to write a best"
          + " checkpoint and to rank the checkpoints (an evaluation metric is over"
          + " evaluation.episodes instead).")
  public int window = 100;
}

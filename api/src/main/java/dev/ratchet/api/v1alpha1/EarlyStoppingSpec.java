package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Ends the run as EarlyStopped when its metric stops improving. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EarlyStoppingSpec {

  @Default("scoreMean")
  @JsonPropertyDescription("Windowed metric that must keep improving.")
  public RunMetric metric = RunMetric.SCORE_MEAN;

  @Default("2000")
  @Min(1)
  @JsonPropertyDescription("Episodes without an improvement of minDelta before the run stops.")
  public long patienceEpisodes = 2000;

  @Default("0.01")
  @Min(0)
  @JsonPropertyDescription("Smallest rise of the metric that counts as an improvement.")
  public double minDelta = 0.01;
}

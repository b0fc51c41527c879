package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** When the run counts as diverged, and the rollback that answers it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DivergenceSpec {

  @Default("true")
  @JsonPropertyDescription("Watch for divergence and roll back automatically.")
  public boolean enabled = true;

  @Default("scoreMean")
  @JsonPropertyDescription("Windowed metric whose collapse counts as divergence.")
  public RunMetric metric = RunMetric.SCORE_MEAN;

  @Default("100")
  @Min(1)
  @JsonPropertyDescription("Episodes in the window the metric is averaged over.")
  public int window = 100;

  @Default("0.5")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "Diverged when the windowed metric falls below this fraction of its best.")
  public double dropBelowFractionOfBest = 0.5;

  @Default("3.0")
  @Min(0)
  @JsonPropertyDescription(
      "Noise guard: a drop counts only when it exceeds this many standard errors of the windowed"
          + " mean (window std / sqrt(episodes)), and the best counts as learned only when it lies"
          + " this many of its standard errors above the baseline; 0 turns the guard off.")
  public double minStandardErrors = 3.0;

  @Default("200")
  @Min(0)
  @JsonPropertyDescription("Episodes at the start of each attempt during which no drop is judged.")
  public long graceEpisodes = 200;

  @Default("rollback")
  @JsonPropertyDescription("What a NaN or Inf reported by the trainer leads to.")
  public NonFiniteAction onNonFinite = NonFiniteAction.ROLLBACK;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Diverged when the gradient norm stays above this; unset to ignore.")
  public Double gradNormAbove;

  @Default("50")
  @Min(1)
  @JsonPropertyDescription("Episodes the gradient norm must stay above gradNormAbove.")
  public long gradNormForEpisodes = 50;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription(
      "Diverged when alpha entropy falls below this before the last phase (moe); unset to ignore.")
  public Double alphaEntropyCollapseBelow;

  @JsonPropertyDescription("The rollback carried out on divergence.")
  public RollbackActionSpec action = new RollbackActionSpec();

  @Default("3")
  @Min(0)
  @JsonPropertyDescription("Automatic rollbacks allowed before the run is marked Failed.")
  public int maxRollbacks = 3;

  @Default("300")
  @Min(0)
  @JsonPropertyDescription("Episodes after a rollback before another divergence is judged.")
  public long cooldownEpisodes = 300;
}

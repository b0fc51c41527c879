package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for: the trainer, the world, the model, the phases and the safety nets.
 *
 * <p>The spec classes are plain Jackson bindings of the resource; Java initializers carry the same
 * defaults as the CRD schema so that code reading a spec never sees a missing default.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingRunSpec {

  @JsonPropertyDescription("Trainer container: image, GPUs, resources, scheduling, restarts.")
  public TrainerSpec trainer = new TrainerSpec();

  @Required
  @JsonPropertyDescription("The environment the agent is trained in.")
  public EnvironmentSpec environment;

  @JsonPropertyDescription("Policy network architecture and its sizes.")
  public ModelSpec model = new ModelSpec();

  @JsonPropertyDescription(
      "PPO hyperparameters shared by all phases unless a phase overrides them.")
  public PpoSpec ppo = new PpoSpec();

  @Required
  @Size(min = 1)
  @JsonPropertyDescription(
      "Ordered training phases; each runs until its gate holds, the run ends after the last.")
  public List<PhaseSpec> phases = new ArrayList<>();

  @JsonPropertyDescription(
      "Where and how often checkpoints are written, and which are kept; every field has a"
          + " default.")
  public CheckpointsSpec checkpoints = new CheckpointsSpec();

  @JsonPropertyDescription(
      "Warm start: the first attempt takes the network's parameters from another run's"
          + " checkpoint; omit to start from a random initialization.")
  public InitFromSpec initFrom;

  @JsonPropertyDescription(
      "Evaluation episodes at the periodic checkpoints, with the greedy policy on separate seeded"
          + " environments; omit to rank and judge by the training window only.")
  public EvaluationSpec evaluation;

  @JsonPropertyDescription("When training counts as diverged and how the run is rolled back.")
  public DivergenceSpec divergence = new DivergenceSpec();

  @JsonPropertyDescription(
      "Router health (moe only): stuck routing and dead experts, reported or rolled back.")
  public RouterHealthSpec routerHealth = new RouterHealthSpec();

  @JsonPropertyDescription(
      "Stop the run when the metric stops improving; omit to never stop early.")
  public EarlyStoppingSpec earlyStopping;

  @JsonPropertyDescription("Manual rollback: changing the nonce asks for exactly one rollback.")
  public ManualRollbackSpec rollback;

  @Default("false")
  @JsonPropertyDescription(
      "Suspend the run: the trainer writes a preempt checkpoint and stops; false resumes it.")
  public boolean suspend = false;
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;

/**
 * The trainer config that evaluates one stored checkpoint away from its run ({@code ratchet
 * evaluate}): resolved by the same resolver as every attempt, for the phase the checkpoint was
 * written in (a moe policy's routing and temperature are the phase's), resuming from the
 * checkpoint, with the evaluation asked for.
 */
public final class CheckpointEvaluationConfig {

  private CheckpointEvaluationConfig() {}

  /**
   * The config.
   *
   * @param run the run the checkpoint belongs to
   * @param checkpoint its manifest
   * @param checkpointUri s3:// URI of its folder
   * @param storageEndpoint the S3 endpoint the evaluating trainer reaches the storage at
   * @param evaluation episodes, greediness and seed
   */
  public static TrainerConfig of(
      TrainingRun run,
      CheckpointManifest checkpoint,
      String checkpointUri,
      String storageEndpoint,
      TrainerConfig.EvaluationPolicy evaluation) {
    RunContext context = RunContext.of(run);
    TrainingRunSpec spec = context.spec();
    int phase = Math.max(0, Math.min(checkpoint.phaseIndex(), spec.phases.size() - 1));
    PhasePolicy phases = new PhasePolicy();
    // port 0: the evaluating trainer serves nothing anyone reads, on a port of its own
    PlatformDefaults defaults = new PlatformDefaults(storageEndpoint, true, 0, 60);
    return new TrainerConfigResolver(defaults)
        .resolve(
            context,
            checkpoint.attempt(),
            phase,
            phases.countStart(spec, phase),
            phases.phaseEndEpisode(spec, phase),
            checkpointUri,
            null,
            null)
        .withEvaluation(evaluation);
  }

  /** Evaluation episodes when neither the user nor the spec says how many. */
  public static final int DEFAULT_EPISODES = 10;

  /**
   * The evaluation the run's spec asks for; when it asks for none, {@code episodes} greedy ones
   * with the seed the spec's evaluation would default to.
   */
  public static TrainerConfig.EvaluationPolicy ofSpec(TrainingRunSpec spec, int episodes) {
    TrainerConfig.EvaluationPolicy asked = TrainerConfigResolver.evaluation(spec);
    return asked != null
        ? asked
        : new TrainerConfig.EvaluationPolicy(
            episodes, true, TrainerConfigResolver.defaultEvaluationSeed(spec));
  }
}

package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.MoeSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TemperatureSpec;

/**
 * The resolved configuration of one attempt, written as JSON to the file that {@code
 * RATCHET_TRAINER_CONFIG} names. Everything the trainer needs is here, already resolved: phase
 * overrides and rollback scales are applied to {@link #ppo}; S3 credentials are not here (they come
 * as environment variables from a Secret, see {@link TrainerEnv}).
 *
 * @param namespace namespace of the TrainingRun ("local" in local mode)
 * @param run name of the TrainingRun
 * @param attempt attempt number, starting at 1; checkpoint ids and metric files carry it
 * @param phase name of the phase this attempt trains
 * @param phaseIndex index of the phase in the spec
 * @param phaseStartEpisode episode at which the phase began, for annealing schedules
 * @param untilEpisode the episode at which the phase ends by count (the last phase's is the run's
 *     end): the attempt writes a phase-end checkpoint there and exits 0; annealing schedules end
 *     there too
 * @param resumeFrom s3:// URI of the committed checkpoint to start from; null starts afresh
 * @param environment the environment, as in the spec
 * @param model the policy network, as in the spec
 * @param ppo PPO hyperparameters with the phase's overrides and rollback scales applied
 * @param routing router activation of the phase (moe)
 * @param temperature router temperature schedule of the phase (moe)
 * @param moe auxiliary router losses of the phase (moe); null for other architectures
 * @param checkpoints checkpoint cadence and best-checkpoint ranking
 * @param storage where checkpoints and per-episode records go
 * @param device compute device
 * @param metricsWindow episodes in the window of the reported windowed statistics
 * @param httpPort port of /metrics, /v1/progress and /healthz
 * @param preemptGraceSeconds how long the platform waits after SIGTERM before it kills the trainer
 *     (the pod's terminationGracePeriodSeconds): the trainer's preempt checkpoint must be committed
 *     within it
 * @param evaluation evaluation episodes at each committed checkpoint; null when the spec asks for
 *     none
 * @param initFrom s3:// URI of a checkpoint whose parameters (only) an attempt without {@code
 *     resumeFrom} starts from (spec.initFrom, a warm start); null to start from random ones
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerConfig(
    String namespace,
    String run,
    int attempt,
    String phase,
    int phaseIndex,
    long phaseStartEpisode,
    long untilEpisode,
    String resumeFrom,
    EnvironmentSpec environment,
    ModelSpec model,
    PpoSpec ppo,
    Routing routing,
    TemperatureSpec temperature,
    MoeSpec moe,
    CheckpointPolicy checkpoints,
    StorageLocation storage,
    Device device,
    int metricsWindow,
    int httpPort,
    long preemptGraceSeconds,
    EvaluationPolicy evaluation,
    String initFrom) {

  /** A config without a warm start. */
  public TrainerConfig(
      String namespace,
      String run,
      int attempt,
      String phase,
      int phaseIndex,
      long phaseStartEpisode,
      long untilEpisode,
      String resumeFrom,
      EnvironmentSpec environment,
      ModelSpec model,
      PpoSpec ppo,
      Routing routing,
      TemperatureSpec temperature,
      MoeSpec moe,
      CheckpointPolicy checkpoints,
      StorageLocation storage,
      Device device,
      int metricsWindow,
      int httpPort,
      long preemptGraceSeconds,
      EvaluationPolicy evaluation) {
    this(
        namespace,
        run,
        attempt,
        phase,
        phaseIndex,
        phaseStartEpisode,
        untilEpisode,
        resumeFrom,
        environment,
        model,
        ppo,
        routing,
        temperature,
        moe,
        checkpoints,
        storage,
        device,
        metricsWindow,
        httpPort,
        preemptGraceSeconds,
        evaluation,
        null);
  }

  /** This config with another evaluation (e.g. the one {@code ratchet evaluate} asks for). */
  public TrainerConfig withEvaluation(EvaluationPolicy other) {
    return new TrainerConfig(
        namespace,
        run,
        attempt,
        phase,
        phaseIndex,
        phaseStartEpisode,
        untilEpisode,
        resumeFrom,
        environment,
        model,
        ppo,
        routing,
        temperature,
        moe,
        checkpoints,
        storage,
        device,
        metricsWindow,
        httpPort,
        preemptGraceSeconds,
        other,
        initFrom);
  }

  /** This config with another environment (e.g. an external server on a port of its own). */
  public TrainerConfig withEnvironment(EnvironmentSpec other) {
    return new TrainerConfig(
        namespace,
        run,
        attempt,
        phase,
        phaseIndex,
        phaseStartEpisode,
        untilEpisode,
        resumeFrom,
        other,
        model,
        ppo,
        routing,
        temperature,
        moe,
        checkpoints,
        storage,
        device,
        metricsWindow,
        httpPort,
        preemptGraceSeconds,
        evaluation,
        initFrom);
  }

  /** Default port of the trainer's HTTP endpoints. */
  public static final int DEFAULT_HTTP_PORT = 9400;

  /**
   * When the trainer writes checkpoints.
   *
   * @param everyEpisodes a periodic checkpoint every this many episodes
   * @param bestMetric windowed metric whose improvement writes a best checkpoint
   * @param bestWindow episodes in that window; no best checkpoint before a full window
   */
  public record CheckpointPolicy(long everyEpisodes, RunMetric bestMetric, int bestWindow) {}

  /**
   * How checkpoints are evaluated.
   *
   * @param episodes evaluation episodes per checkpoint
   * @param deterministic act greedily rather than sample
   * @param seed seed of the evaluation environments and of sampling
   */
  public record EvaluationPolicy(int episodes, boolean deterministic, long seed) {}

  /**
   * An S3 location. The run's objects live under {@code PREFIX/NAMESPACE/RUN/}.
   *
   * @param endpoint S3 endpoint URL
   * @param bucket bucket name
   * @param prefix key prefix
   * @param region S3 region
   */
  public record StorageLocation(String endpoint, String bucket, String prefix, String region) {}
}

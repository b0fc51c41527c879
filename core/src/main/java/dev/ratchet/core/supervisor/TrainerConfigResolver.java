package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.EvaluationSpec;
import dev.ratchet.api.v1alpha1.HyperparameterScale;
import dev.ratchet.api.v1alpha1.MoeSpec;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.PpoOverrides;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;

/**
 * Resolves the config of one attempt — the one place a trainer config is built, for every platform:
 * spec.ppo, then the phase's overrides, then the rollback scales on learning rate and clip range
 * (scales multiply whatever the phase sets, so a rollback stays in force across later phases); the
 * platform's defaults fill what the spec leaves out (storage endpoint, trainer port, preempt
 * grace).
 */
final class TrainerConfigResolver {

  private final PlatformDefaults defaults;

  TrainerConfigResolver(PlatformDefaults defaults) {
    this.defaults = defaults;
  }

  /**
   * The trainer config of an attempt.
   *
   * @param run the run
   * @param attempt attempt number
   * @param phaseIndex phase the attempt trains
   * @param phaseStartEpisode episode at which that phase began
   * @param untilEpisode episode at which it ends by count
   * @param resumeUri s3:// URI of the start checkpoint, or null to start afresh
   * @param scale the rollback scales
   * @param warmStartUri s3:// URI of the checkpoint whose parameters an attempt without {@code
   *     resumeUri} starts from (spec.initFrom), or null
   */
  TrainerConfig resolve(
      RunContext run,
      int attempt,
      int phaseIndex,
      long phaseStartEpisode,
      long untilEpisode,
      String resumeUri,
      HyperparameterScale scale,
      String warmStartUri) {
    TrainingRunSpec spec = run.spec();
    PhaseSpec phase = spec.phases.get(phaseIndex);
    PpoSpec ppo = ppo(spec.ppo, phase.overrides, scale);
    MoeSpec moe =
        spec.model.architecture == Architecture.MOE
            ? (phase.moe != null ? phase.moe : new MoeSpec())
            : null;
    var storage = spec.checkpoints.storage;
    return new TrainerConfig(
        run.namespace(),
        run.name(),
        attempt,
        phase.name,
        phaseIndex,
        phaseStartEpisode,
        untilEpisode,
        resumeUri,
        spec.environment,
        spec.model,
        ppo,
        phase.routing,
        phase.temperature,
        moe,
        new TrainerConfig.CheckpointPolicy(
            spec.checkpoints.everyEpisodes,
            spec.checkpoints.best.metric.runMetric(),
            spec.checkpoints.best.window),
        new TrainerConfig.StorageLocation(
            defaults.storageEndpoint(storage.endpoint),
            storage.bucket,
            storage.prefix,
            storage.region),
        spec.trainer.device,
        metricsWindow(spec),
        defaults.trainerPort(),
        preemptGraceSeconds(spec, defaults),
        evaluation(spec),
        // a warm start seeds only an attempt that resumes from nothing of the run's own
        resumeUri == null ? warmStartUri : null);
  }

  /** The evaluation the spec asks for, its seed defaulted to environment.seed + 1; or null. */
  static TrainerConfig.EvaluationPolicy evaluation(TrainingRunSpec spec) {
    EvaluationSpec e = spec.evaluation;
    if (e == null) {
      return null;
    }
    long seed = e.seed != null ? e.seed : defaultEvaluationSeed(spec);
    return new TrainerConfig.EvaluationPolicy(e.episodes, e.deterministic, seed);
  }

  /** Evaluation environments are seeded apart from the training ones: environment.seed + 1. */
  static long defaultEvaluationSeed(TrainingRunSpec spec) {
    return spec.environment.seed + 1;
  }

  /** The grace a stopping trainer gets: the spec's, else the platform's. */
  static long preemptGraceSeconds(TrainingRunSpec spec, PlatformDefaults defaults) {
    return spec.trainer.preemptGraceSeconds != null
        ? spec.trainer.preemptGraceSeconds
        : defaults.preemptGraceSeconds();
  }

  /**
   * The window of the trainer's reported statistics: the divergence window, since divergence is the
   * decision most sensitive to it; gates and early stopping read the same reports.
   */
  static int metricsWindow(TrainingRunSpec spec) {
    return spec.divergence.window;
  }

  private static PpoSpec ppo(PpoSpec base, PpoOverrides o, HyperparameterScale scale) {
    PpoSpec p = new PpoSpec();
    p.learningRate = base.learningRate;
    p.rolloutSteps = base.rolloutSteps;
    p.minibatches = base.minibatches;
    p.epochs = base.epochs;
    p.gamma = base.gamma;
    p.gaeLambda = base.gaeLambda;
    p.clipRange = base.clipRange;
    p.entropyCoef = base.entropyCoef;
    p.valueCoef = base.valueCoef;
    p.maxGradNorm = base.maxGradNorm;
    p.targetKl = base.targetKl;
    p.clipValueLoss = base.clipValueLoss;
    p.annealLearningRate = base.annealLearningRate;
    p.annealClipRange = base.annealClipRange;
    if (o != null) {
      p.learningRate = o.learningRate != null ? o.learningRate : p.learningRate;
      p.clipRange = o.clipRange != null ? o.clipRange : p.clipRange;
      p.entropyCoef = o.entropyCoef != null ? o.entropyCoef : p.entropyCoef;
      p.valueCoef = o.valueCoef != null ? o.valueCoef : p.valueCoef;
      p.maxGradNorm = o.maxGradNorm != null ? o.maxGradNorm : p.maxGradNorm;
      p.epochs = o.epochs != null ? o.epochs : p.epochs;
      p.targetKl = o.targetKl != null ? o.targetKl : p.targetKl;
    }
    if (scale != null) {
      p.learningRate *= scale.learningRate == null ? 1.0 : scale.learningRate;
      p.clipRange *= scale.clipRange == null ? 1.0 : scale.clipRange;
    }
    return p;
  }
}

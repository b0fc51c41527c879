package dev.ratchet.trainer.env;

import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.VecIntercept;
import dev.ratchet.trainer.env.remote.EnvironmentMismatchException;
import dev.ratchet.trainer.env.remote.RemoteVecEnv;
import java.time.Duration;

/** Builds the vectorized environment a spec names, with its options checked. */
public final class EnvFactory {

  /**
   * Where an external environment's server listens: beside the trainer, a child process of local
   * mode or a sidecar in the trainer's pod, both on the trainer's own loopback.
   */
  public static final String EXTERNAL_HOST = "127.0.0.1";

  private EnvFactory() {}

  /** The environment of {@code spec}: numEnvs copies, episodes cut at maxStepsPerEpisode. */
  public static VecEnv create(EnvironmentSpec spec) {
    return create(spec, spec.numEnvs, spec.seed, true);
  }

  /**
   * A fresh environment for evaluation episodes: the spec's world and options with its own copies
   * and seed, and without injected faults (they test the supervisor's reaction to training, not
   * what a checkpoint's policy reaches).
   */
  public static VecEnv forEvaluation(EnvironmentSpec spec, int numEnvs, long seed) {
    if (spec.name == EnvironmentName.EXTERNAL) {
      // validation refuses spec.evaluation with an external environment; this is the last guard
      throw new EnvironmentMismatchException("evaluation " + EnvironmentChecks.EXTERNAL_EVALUATION);
    }
    return create(spec, numEnvs, seed, false);
  }

  private static VecEnv create(EnvironmentSpec spec, int n, long seed, boolean faults) {
    EnvironmentChecks.checkSizes(spec);
    int maxSteps = spec.maxStepsPerEpisode;
    return switch (spec.name) {
      case CARTPOLE ->
          new VecCartPole(
              n, maxSteps, seed, faults ? EnvironmentChecks.cartPoleNanFromEpisode(spec) : 0);
      case DUNGEON -> new VecDungeon(n, maxSteps, seed, EnvironmentChecks.dungeon(spec));
      case INTERCEPT -> new VecIntercept(n, maxSteps, seed, EnvironmentChecks.intercept(spec));
      case EXTERNAL -> {
        if (!faults) {
          // the server serves the training copies only; validation refuses spec.evaluation here
          throw new IllegalArgumentException(
              "evaluation of an external environment is not supported: remove spec.evaluation");
        }
        // the server's own time limit ends its episodes: maxStepsPerEpisode is not sent
        ExternalEnvironmentSpec e = EnvironmentChecks.external(spec);
        yield RemoteVecEnv.connect(
            EXTERNAL_HOST,
            e.port,
            n,
            seed,
            Duration.ofSeconds(e.startupTimeoutSeconds),
            Duration.ofSeconds(e.stepTimeoutSeconds));
      }
    };
  }
}

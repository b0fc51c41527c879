package dev.ratchet.trainer.env;

import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.VecIntercept;

/** Builds the vectorized environment a spec names, with its options checked. */
public final class EnvFactory {

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
    };
  }
}

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
    EnvironmentChecks.checkSizes(spec);
    int n = spec.numEnvs;
    int maxSteps = spec.maxStepsPerEpisode;
    return switch (spec.name) {
      case CARTPOLE ->
          new VecCartPole(n, maxSteps, spec.seed, EnvironmentChecks.cartPoleNanFromEpisode(spec));
      case DUNGEON -> new VecDungeon(n, maxSteps, spec.seed, EnvironmentChecks.dungeon(spec));
      case INTERCEPT -> new VecIntercept(n, maxSteps, spec.seed, EnvironmentChecks.intercept(spec));
    };
  }
}

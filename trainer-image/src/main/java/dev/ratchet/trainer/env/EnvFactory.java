package dev.ratchet.trainer.env;

import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.VecIntercept;
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
    EnvironmentChecks.checkSizes(spec);
    int n = spec.numEnvs;
    int maxSteps = spec.maxStepsPerEpisode;
    return switch (spec.name) {
      case CARTPOLE ->
          new VecCartPole(n, maxSteps, spec.seed, EnvironmentChecks.cartPoleNanFromEpisode(spec));
      case DUNGEON -> new VecDungeon(n, maxSteps, spec.seed, EnvironmentChecks.dungeon(spec));
      case INTERCEPT -> new VecIntercept(n, maxSteps, spec.seed, EnvironmentChecks.intercept(spec));
      case EXTERNAL -> {
        // the server's own time limit ends its episodes: maxStepsPerEpisode is not sent
        ExternalEnvironmentSpec e = EnvironmentChecks.external(spec);
        yield RemoteVecEnv.connect(
            EXTERNAL_HOST,
            e.port,
            n,
            spec.seed,
            Duration.ofSeconds(e.startupTimeoutSeconds),
            Duration.ofSeconds(e.stepTimeoutSeconds));
      }
    };
  }
}

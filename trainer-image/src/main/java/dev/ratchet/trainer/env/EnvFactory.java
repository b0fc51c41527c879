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
    return create(spec, false);
  }

  /**
   * The training environment of {@code spec}; with {@code evaluated} (the run has spec.evaluation),
   * an external server that cannot serve evaluation copies of their own is refused before training
   * starts rather than at the first evaluated checkpoint.
   */
  public static VecEnv create(EnvironmentSpec spec, boolean evaluated) {
    return create(spec, spec.numEnvs, spec.seed, true, evaluated);
  }

  /**
   * A fresh environment for evaluation episodes: the spec's world and options with its own copies
   * and seed, and without injected faults (they test the supervisor's reaction to training, not
   * what a checkpoint's policy reaches). For an external environment, {@code numEnvs} fresh copies
   * in the server's evaluation group, beside the training copies it leaves alone; close it after.
   */
  public static VecEnv forEvaluation(EnvironmentSpec spec, int numEnvs, long seed) {
    return create(spec, numEnvs, seed, false, true);
  }

  private static VecEnv create(
      EnvironmentSpec spec, int n, long seed, boolean training, boolean evaluated) {
    EnvironmentChecks.checkSizes(spec);
    int maxSteps = spec.maxStepsPerEpisode;
    return switch (spec.name) {
      case CARTPOLE ->
          new VecCartPole(
              n, maxSteps, seed, training ? EnvironmentChecks.cartPoleNanFromEpisode(spec) : 0);
      case DUNGEON -> new VecDungeon(n, maxSteps, seed, EnvironmentChecks.dungeon(spec));
      case INTERCEPT -> new VecIntercept(n, maxSteps, seed, EnvironmentChecks.intercept(spec));
      case EXTERNAL -> {
        // the server's own time limit ends its episodes: maxStepsPerEpisode is not sent
        ExternalEnvironmentSpec e = EnvironmentChecks.external(spec);
        Duration startup = Duration.ofSeconds(e.startupTimeoutSeconds);
        Duration step = Duration.ofSeconds(e.stepTimeoutSeconds);
        yield training
            ? RemoteVecEnv.connect(EXTERNAL_HOST, e.port, n, seed, evaluated, startup, step)
            : RemoteVecEnv.connectGroup(
                EXTERNAL_HOST, e.port, RemoteVecEnv.EVALUATION_GROUP, n, seed, startup, step);
      }
    };
  }
}

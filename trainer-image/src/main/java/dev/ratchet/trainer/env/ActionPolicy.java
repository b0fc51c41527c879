package dev.ratchet.trainer.env;

/** Chooses the actions of every copy of a {@link VecEnv} from their observations (baselines). */
@FunctionalInterface
public interface ActionPolicy {

  /**
   * @param obs numEnvs × obsDim observations, row-major
   * @param obsDim floats per observation
   * @param actions out: one action per copy
   */
  void act(float[] obs, int obsDim, int[] actions);
}

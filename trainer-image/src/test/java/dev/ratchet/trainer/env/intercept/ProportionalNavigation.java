package dev.ratchet.trainer.env.intercept;

import dev.ratchet.trainer.env.ActionPolicy;

/**
 * The classical guidance law as a baseline policy: lateral acceleration N·Vc·(line-of-sight rate),
 * rounded to the nearest of the environment's lateral levels, thrust on while fuel lasts. It reads
 * the same Kalman-smoothed observation the learned policy sees and acts through the same discrete
 * actions.
 */
public final class ProportionalNavigation implements ActionPolicy {

  private final double navigationConstant;
  private final double maxLateralAccel;

  /**
   * @param navigationConstant N, usually 3 to 5
   * @param maxLateralAccel the environment's {@code maxLateralAccel} option
   */
  public ProportionalNavigation(double navigationConstant, double maxLateralAccel) {
    this.navigationConstant = navigationConstant;
    this.maxLateralAccel = maxLateralAccel;
  }

  @Override
  public void act(float[] obs, int obsDim, int[] actions) {
    int half = Intercept.LATERAL_LEVELS / 2;
    double step = maxLateralAccel / half;
    for (int i = 0; i < actions.length; i++) {
      int o = i * obsDim;
      double command =
          navigationConstant * Intercept.closingSpeed(obs, o) * Intercept.losRate(obs, o);
      long level = Math.round(command / step);
      int lateral = (int) Math.max(-half, Math.min(half, level)) + half;
      actions[i] = lateral + Intercept.LATERAL_LEVELS;
    }
  }
}

package dev.ratchet.trainer.policy;

import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.EntropyGoal;

/**
 * Keeps the router's batch-mean alpha entropy H in a band [low, high] by tuning the coefficient of
 * the alpha entropy term, as Soft Actor-Critic tunes its temperature: dual ascent on one Lagrange
 * multiplier per constraint. {@code above} (for H ≤ high) grows while H is above the band and
 * pushes H down; {@code below} (for H ≥ low) grows while H is under it and pushes H up; inside the
 * band both shrink back towards 0, so a run that stays there trains with no entropy term at all.
 * The constraints sit a quarter of the band's width inside it: dual ascent settles on a constraint
 * and wobbles about it, and the wobble must stay in the band. The loss gets (above − below) · H,
 * which is {@code alphaEntropyCoef} with goal minimize when positive, maximize when negative. Both
 * multipliers are bounded by {@code maxCoef} and saved in checkpoints, so a resume continues
 * exactly.
 */
public final class AlphaEntropyController {

  private final double low;
  private final double high;
  private final double rate;
  private final double max;
  private double above;
  private double below;

  /**
   * A controller for {@code band}, starting from the phase's fixed coefficient and goal (maximize
   * 0.05 starts with below = 0.05).
   */
  public AlphaEntropyController(AlphaEntropyTarget band, double startCoef, EntropyGoal startGoal) {
    double margin = (band.high - band.low) / 4;
    this.low = band.low + margin;
    this.high = band.high - margin;
    this.rate = band.adaptRate;
    this.max = band.maxCoef;
    double start = Math.min(max, Math.max(0, startCoef));
    if (startGoal == EntropyGoal.MINIMIZE) {
      above = start;
    } else {
      below = start;
    }
  }

  /** One dual ascent step after an update whose batch-mean alpha entropy was {@code entropy}. */
  public void observe(double entropy) {
    if (!Double.isFinite(entropy)) {
      return;
    }
    above = clamp(above + rate * (entropy - high));
    below = clamp(below + rate * (low - entropy));
  }

  private double clamp(double x) {
    return Math.min(max, Math.max(0, x));
  }

  /** The signed coefficient of H in the loss: positive pushes the entropy down. */
  public double coefficient() {
    return above - below;
  }

  /** The router settings of the schedule with this controller's coefficient in force. */
  public RouterSettings apply(RouterSettings scheduled) {
    double c = coefficient();
    return new RouterSettings(
        scheduled.routing(),
        scheduled.temperature(),
        Math.abs(c),
        c > 0 ? EntropyGoal.MINIMIZE : EntropyGoal.MAXIMIZE,
        scheduled.loadBalanceCoef(),
        scheduled.diversityCoef());
  }

  /** The multiplier of the constraint H ≤ high (checkpoints save it). */
  public double above() {
    return above;
  }

  /** The multiplier of the constraint H ≥ low (checkpoints save it). */
  public double below() {
    return below;
  }

  /** Restores multipliers saved from {@link #above()} and {@link #below()}. */
  public void restore(double above, double below) {
    this.above = above;
    this.below = below;
  }
}

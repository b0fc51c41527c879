package dev.ratchet.trainer.env;

import dev.ratchet.trainer.rl.Rng;

/**
 * One CartPole-v1 (Barto, Sutton and Anderson; Gymnasium's constants and Euler integration): reward
 * 1 per step, terminated when the pole passes ±12° or the cart ±2.4, truncated at the step limit
 * (500 for v1).
 */
public final class CartPole {

  public static final int OBS_DIM = 4;
  public static final int ACTIONS = 2;

  private static final double GRAVITY = 9.8;
  private static final double MASS_CART = 1.0;
  private static final double MASS_POLE = 0.1;
  private static final double TOTAL_MASS = MASS_CART + MASS_POLE;
  private static final double HALF_LENGTH = 0.5;
  private static final double POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
  private static final double FORCE = 10.0;
  private static final double TAU = 0.02;
  private static final double THETA_LIMIT = 12 * 2 * Math.PI / 360;
  private static final double X_LIMIT = 2.4;

  private final int maxSteps;
  private final Rng rng;
  private final double[] s = new double[4];
  private int steps;

  public CartPole(int maxSteps, Rng rng) {
    this.maxSteps = maxSteps;
    this.rng = rng;
    reset();
  }

  /** Starts a new episode: every state variable uniform in ±0.05. */
  public void reset() {
    for (int i = 0; i < 4; i++) {
      s[i] = rng.uniform(-0.05, 0.05);
    }
    steps = 0;
  }

  /** Applies an action (0 push left, 1 push right) and returns the outcome. */
  public StepOutcome step(int action) {
    double x = s[0];
    double xDot = s[1];
    double theta = s[2];
    double thetaDot = s[3];
    double force = action == 1 ? FORCE : -FORCE;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sin - cos * temp)
            / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    s[0] = x + TAU * xDot;
    s[1] = xDot + TAU * xAcc;
    s[2] = theta + TAU * thetaDot;
    s[3] = thetaDot + TAU * thetaAcc;
    steps++;
    boolean terminated =
        s[0] < -X_LIMIT || s[0] > X_LIMIT || s[2] < -THETA_LIMIT || s[2] > THETA_LIMIT;
    boolean truncated = !terminated && steps >= maxSteps;
    return terminated
        ? StepOutcome.TERMINATED
        : truncated ? StepOutcome.TRUNCATED : StepOutcome.RUNNING;
  }

  /** Writes the observation (x, ẋ, θ, θ̇) into {@code out} at {@code offset}. */
  public void observe(float[] out, int offset) {
    for (int i = 0; i < 4; i++) {
      out[offset + i] = (float) s[i];
    }
  }

  /** State for checkpoints: the four physics variables and the step count. */
  public double[] state() {
    return new double[] {s[0], s[1], s[2], s[3], steps};
  }

  /** Restores {@link #state()}. */
  public void setState(double[] state) {
    System.arraycopy(state, 0, s, 0, 4);
    steps = (int) state[4];
  }
}

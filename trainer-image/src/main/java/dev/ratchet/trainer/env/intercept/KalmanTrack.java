package dev.ratchet.trainer.env.intercept;

/**
 * A constant-velocity Kalman filter over radar position fixes in 2D. The noise is isotropic and the
 * model separable, so each axis is an independent two-state filter (position, velocity) with
 * white-noise acceleration: no matrices, no allocation. Each fix comes with its own noise (a
 * radar's error grows with range, and the tracker knows its radar), and a missing fix is coasted
 * through on the prediction alone.
 */
public final class KalmanTrack {

  private static final double INITIAL_VELOCITY_STD = 300;

  private final double accelVar;
  // Per axis (0 = x, 1 = y): position, velocity, and the covariance entries P11, P12, P22.
  private final double[] p = new double[2];
  private final double[] v = new double[2];
  private final double[] p11 = new double[2];
  private final double[] p12 = new double[2];
  private final double[] p22 = new double[2];

  /**
   * @param accelStd process noise: the target's unmodelled acceleration (m/s²)
   */
  public KalmanTrack(double accelStd) {
    this.accelVar = accelStd * accelStd;
  }

  /**
   * Starts a track at a first fix of noise {@code measurementStd} (m), with an unknown velocity.
   */
  public void start(double zx, double zy, double measurementStd) {
    p[0] = zx;
    p[1] = zy;
    for (int a = 0; a < 2; a++) {
      v[a] = 0;
      p11[a] = variance(measurementStd);
      p12[a] = 0;
      p22[a] = INITIAL_VELOCITY_STD * INITIAL_VELOCITY_STD;
    }
  }

  /**
   * Predicts {@code dt} seconds ahead, then corrects with the fix (zx, zy) of noise {@code
   * measurementStd} (m, per axis).
   */
  public void step(double dt, double zx, double zy, double measurementStd) {
    double r = variance(measurementStd);
    axis(0, dt, zx, r);
    axis(1, dt, zy, r);
  }

  /** Predicts {@code dt} seconds ahead without a fix: the radar missed this one. */
  public void coast(double dt) {
    predict(0, dt);
    predict(1, dt);
  }

  // A floor keeps the gain finite when the option turns the noise off.
  private static double variance(double std) {
    return Math.max(std * std, 1e-6);
  }

  private void axis(int a, double dt, double z, double measurementVar) {
    predict(a, dt);
    double s = p11[a] + measurementVar;
    double k1 = p11[a] / s;
    double k2 = p12[a] / s;
    double innovation = z - p[a];
    p[a] += k1 * innovation;
    v[a] += k2 * innovation;
    p22[a] -= k2 * p12[a];
    p11[a] *= 1 - k1;
    p12[a] *= 1 - k1;
  }

  private void predict(int a, double dt) {
    double q = accelVar;
    p[a] += v[a] * dt;
    double n11 = p11[a] + 2 * dt * p12[a] + dt * dt * p22[a] + q * dt * dt * dt * dt / 4;
    double n12 = p12[a] + dt * p22[a] + q * dt * dt * dt / 2;
    p22[a] += q * dt * dt;
    p11[a] = n11;
    p12[a] = n12;
  }

  public double x() {
    return p[0];
  }

  public double y() {
    return p[1];
  }

  public double vx() {
    return v[0];
  }

  public double vy() {
    return v[1];
  }

  /** The filter's state, for checkpoints. */
  double[] state() {
    return new double[] {p[0], p[1], v[0], v[1], p11[0], p11[1], p12[0], p12[1], p22[0], p22[1]};
  }

  /** Restores {@link #state()}. */
  void setState(double[] s) {
    p[0] = s[0];
    p[1] = s[1];
    v[0] = s[2];
    v[1] = s[3];
    p11[0] = s[4];
    p11[1] = s[5];
    p12[0] = s[6];
    p12[1] = s[7];
    p22[0] = s[8];
    p22[1] = s[9];
  }
}

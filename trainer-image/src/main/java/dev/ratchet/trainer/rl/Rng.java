package dev.ratchet.trainer.rl;

/**
 * SplitMix64 random generator whose whole state is one long, so a checkpoint can save and restore
 * it exactly (java.util.Random hides its state).
 */
public final class Rng {

  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** The full state, for checkpoints. */
  public long state() {
    return state;
  }

  /** Restores a state returned by {@link #state()}. */
  public void setState(long state) {
    this.state = state;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    return (int) Math.floorMod(nextLong(), (long) bound);
  }

  /** Standard normal (Box-Muller; the second value is dropped so the state stays one long). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** An independent generator for a sub-stream, derived from this one's next value. */
  public Rng split() {
    return new Rng(nextLong());
  }
}

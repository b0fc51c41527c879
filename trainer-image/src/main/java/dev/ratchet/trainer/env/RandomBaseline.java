package dev.ratchet.trainer.env;

import dev.ratchet.trainer.rl.Rng;

/** The score of a uniformly random policy, the floor any learning must clear. */
public final class RandomBaseline {

  private RandomBaseline() {}

  /** Mean return of {@code episodes} CartPole episodes under uniformly random actions. */
  public static double cartPole(int episodes, int maxSteps, long seed) {
    Rng rng = new Rng(seed);
    CartPole env = new CartPole(maxSteps, rng.split());
    double total = 0;
    for (int ep = 0; ep < episodes; ep++) {
      env.reset();
      int length = 0;
      while (true) {
        length++;
        if (env.step(rng.nextInt(2)) != StepOutcome.RUNNING) {
          break;
        }
      }
      total += length;
    }
    return total / episodes;
  }
}

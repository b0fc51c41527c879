package dev.ratchet.trainer.env;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
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

  /**
   * Mean score of {@code episodes} dungeon games of at most {@code maxSteps} steps, played 16 at a
   * time under uniformly random actions.
   */
  public static double dungeon(DungeonOptions options, int maxSteps, int episodes, long seed) {
    VecDungeon envs = new VecDungeon(16, maxSteps, seed, options);
    return PolicyEvaluation.run(envs, new UniformRandomPolicy(envs.actions(), seed), episodes)
        .meanScore();
  }
}

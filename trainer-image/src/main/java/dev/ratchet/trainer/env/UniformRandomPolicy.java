package dev.ratchet.trainer.env;

import dev.ratchet.trainer.rl.Rng;

/** Picks every action uniformly at random: the floor any learning must clear. */
public final class UniformRandomPolicy implements ActionPolicy {

  private final int actions;
  private final Rng rng;

  public UniformRandomPolicy(int actions, long seed) {
    this.actions = actions;
    this.rng = new Rng(seed);
  }

  @Override
  public void act(float[] obs, int obsDim, int[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = rng.nextInt(actions);
    }
  }
}

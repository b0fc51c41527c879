package dev.ratchet.trainer.env;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.trainer.rl.Rng;
import java.util.List;

/** Compares two environments step by step under the same actions. */
public final class Trajectories {

  private Trajectories() {}

  /**
   * Steps both with the same random actions, asserting equal observations, rewards, dones and
   * finished episodes at every step, and that at least one episode ended on the way.
   */
  public static void assertSame(VecEnv a, VecEnv b, Rng rng, int steps) {
    int n = a.numEnvs();
    float[] obsA = new float[n * a.obsDim()];
    float[] obsB = new float[n * b.obsDim()];
    float[] rewardsA = new float[n];
    float[] rewardsB = new float[n];
    boolean[] donesA = new boolean[n];
    boolean[] donesB = new boolean[n];
    int[] actions = new int[n];
    int episodes = 0;
    for (int t = 0; t < steps; t++) {
      a.observe(obsA);
      b.observe(obsB);
      assertThat(obsB).as("observation at step %d", t).containsExactly(obsA);
      for (int i = 0; i < n; i++) {
        actions[i] = rng.nextInt(a.actions());
      }
      List<VecEnv.Episode> endedA = a.step(actions, rewardsA, donesA);
      List<VecEnv.Episode> endedB = b.step(actions, rewardsB, donesB);
      assertThat(rewardsB).as("rewards at step %d", t).containsExactly(rewardsA);
      assertThat(donesB).containsExactly(donesA);
      assertThat(endedB).isEqualTo(endedA);
      episodes += endedA.size();
    }
    assertThat(episodes).as("episodes compared").isPositive();
  }
}

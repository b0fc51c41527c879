package dev.ratchet.trainer.env;

import java.util.List;

/** Runs a fixed {@link ActionPolicy} on a {@link VecEnv} and summarizes the finished episodes. */
public final class PolicyEvaluation {

  private PolicyEvaluation() {}

  /**
   * Steps until {@code episodes} episodes have ended (all copies keep running, so a few more may
   * end in the last step; they are counted too, the order of copies decides nothing).
   */
  public static Result run(VecEnv env, ActionPolicy policy, int episodes) {
    int n = env.numEnvs();
    float[] obs = new float[n * env.obsDim()];
    float[] rewards = new float[n];
    boolean[] dones = new boolean[n];
    int[] actions = new int[n];
    double sum = 0;
    double sumSq = 0;
    double reward = 0;
    long length = 0;
    long steps = 0;
    int count = 0;
    int successes = 0;
    long t0 = System.nanoTime();
    while (count < episodes) {
      env.observe(obs);
      policy.act(obs, env.obsDim(), actions);
      List<VecEnv.Episode> ended = env.step(actions, rewards, dones);
      steps += n;
      for (VecEnv.Episode e : ended) {
        sum += e.score();
        sumSq += e.score() * e.score();
        reward += e.totalReward();
        length += e.length();
        successes += e.success() ? 1 : 0;
        count++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double mean = sum / count;
    return new Result(
        count,
        mean,
        Math.sqrt(Math.max(0, sumSq / count - mean * mean)),
        reward / count,
        (double) length / count,
        steps / Math.max(seconds, 1e-9),
        (double) successes / count);
  }

  /**
   * What a policy reached.
   *
   * @param episodes episodes finished
   * @param meanScore mean episode score
   * @param stdScore standard deviation of the episode score
   * @param meanTotalReward mean of the episodes' summed rewards
   * @param meanLength mean episode length in steps
   * @param stepsPerSecond environment steps per second, policy included
   * @param successRate share of the episodes that reached the environment's goal
   */
  public record Result(
      int episodes,
      double meanScore,
      double stdScore,
      double meanTotalReward,
      double meanLength,
      double stepsPerSecond,
      double successRate) {}
}

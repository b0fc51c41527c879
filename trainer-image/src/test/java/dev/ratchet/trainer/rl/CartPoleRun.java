package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecCartPole;
import java.util.ArrayDeque;
import java.util.Deque;

/** Trains PPO on CartPole for a step budget, annealing by steps as rl-zoo and CleanRL do. */
public final class CartPoleRun {

  private CartPoleRun() {}

  /**
   * What a run reached.
   *
   * @param last20Mean mean score of the last 20 episodes
   * @param envSteps steps taken
   * @param seconds wall time, end to end (rollouts and updates)
   * @param episodes episodes finished
   */
  public record Result(double last20Mean, long envSteps, double seconds, long episodes) {
    public double stepsPerSecond() {
      return envSteps / seconds;
    }

    public double episodesPerMinute() {
      return episodes / (seconds / 60);
    }
  }

  public static Result train(PpoSpec ppo, int numEnvs, long seed, long budget) {
    Deque<Double> last = new ArrayDeque<>();
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecCartPole(numEnvs, 500, seed), Settings.mlp64(), seed, m)) {
      while (agent.envSteps() < budget) {
        double frac = 1.0 - (double) agent.envSteps() / budget;
        for (VecCartPole.Episode ep : agent.collect(ppo)) {
          last.addLast(ep.score());
          if (last.size() > 20) {
            last.removeFirst();
          }
        }
        double lr = ppo.annealLearningRate ? ppo.learningRate * frac : ppo.learningRate;
        double clip = ppo.annealClipRange ? ppo.clipRange * frac : ppo.clipRange;
        agent.update(ppo, lr, clip);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      return new Result(mean, agent.envSteps(), secs, agent.episodes());
    }
  }
}

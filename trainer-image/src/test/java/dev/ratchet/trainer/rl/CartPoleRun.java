package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.policy.RouterSettings;
import dev.ratchet.trainer.policy.RouterStats;
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
   * @param router router statistics of the last update that applied a step (moe only, else null)
   * @param nonFinite minibatch steps skipped for NaN/Inf
   */
  public record Result(
      double last20Mean,
      long envSteps,
      double seconds,
      long episodes,
      RouterStats router,
      long nonFinite) {
    public double stepsPerSecond() {
      return envSteps / seconds;
    }

    public double episodesPerMinute() {
      return episodes / (seconds / 60);
    }
  }

  public static Result train(PpoSpec ppo, int numEnvs, long seed, long budget) {
    return train(ppo, Settings.mlp64(), null, numEnvs, seed, budget);
  }

  /** Trains {@code model}; {@code router} (moe) stays in force throughout, when not null. */
  public static Result train(
      PpoSpec ppo, ModelSpec model, RouterSettings router, int numEnvs, long seed, long budget) {
    Deque<Double> last = new ArrayDeque<>();
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(numEnvs, 500, seed), model, seed, m)) {
      if (router != null) {
        agent.policy().setRouter(router);
      }
      RouterStats lastRouter = null;
      long nonFinite = 0;
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
        UpdateStats stats = agent.update(ppo, lr, clip);
        nonFinite += stats.nonFinite();
        lastRouter = stats.router() != null ? stats.router() : lastRouter;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      return new Result(mean, agent.envSteps(), secs, agent.episodes(), lastRouter, nonFinite);
    }
  }
}

package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.RandomBaseline;
import dev.ratchet.trainer.env.VecCartPole;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** PPO really learns CartPole within a CI budget, far above the random policy. */
class PpoCartPoleTest {

  @Test
  void learnsCartPoleWellAboveRandom() {
    double random = RandomBaseline.cartPole(200, 500, 7);
    assertThat(random).isBetween(15.0, 30.0);
    PpoSpec ppo = Settings.zooPpo();
    long budget = 60_000;
    Deque<Double> last = new ArrayDeque<>();
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(8, 500, 1), Settings.mlp64(), 1, m)) {
      while (agent.envSteps() < budget) {
        double frac = 1.0 - (double) agent.envSteps() / budget;
        for (VecCartPole.Episode ep : agent.collect(ppo)) {
          last.addLast(ep.score());
          if (last.size() > 20) {
            last.removeFirst();
          }
        }
        UpdateStats s = agent.update(ppo, ppo.learningRate * frac, ppo.clipRange * frac);
        assertThat(s.nonFinite()).isZero();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      System.out.printf(
          "random %.1f, last-20 mean %.1f after %d steps, %.0f steps/s, %d episodes%n",
          random, mean, agent.envSteps(), agent.envSteps() / secs, agent.episodes());
      assertThat(mean).isGreaterThan(10 * random);
    }
  }
}

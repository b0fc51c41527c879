package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.trainer.env.RandomBaseline;
import org.junit.jupiter.api.Test;

/** PPO really learns CartPole within a CI budget, far above the random policy. */
class PpoCartPoleTest {

  @Test
  void learnsCartPoleWellAboveRandom() {
    double random = RandomBaseline.cartPole(200, 500, 7);
    assertThat(random).isBetween(15.0, 30.0);
    // rl-zoo's tuned settings on a 40k-step budget (the benchmark runs the full 100k).
    CartPoleRun.Result r = CartPoleRun.train(Settings.zooPpo(), 8, 1, 40_000);
    System.out.printf(
        "random %.1f, last-20 mean %.1f after %d steps, %.0f steps/s%n",
        random, r.last20Mean(), r.envSteps(), r.stepsPerSecond());
    assertThat(r.last20Mean()).isGreaterThan(8 * random);
  }
}

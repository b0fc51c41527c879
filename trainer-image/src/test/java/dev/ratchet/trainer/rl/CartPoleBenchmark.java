package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.RandomBaseline;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CartPole benchmark of docs/benchmarks.md (minutes; not part of the CI suite): run with {@code
 * ./mvnw -B -pl trainer-image -am test -Pbench}.
 */
@Tag("benchmark")
class CartPoleBenchmark {

  @Test
  void zooSettingsFiveSeeds() {
    System.out.printf("random policy: %.1f%n", RandomBaseline.cartPole(1000, 500, 7));
    int solved = 0;
    for (long seed = 1; seed <= 5; seed++) {
      CartPoleRun.Result r = CartPoleRun.train(Settings.zooPpo(), 8, seed, 100_000);
      System.out.printf(
          "zoo seed %d: last-20 mean %.1f, %d steps in %.1f s = %.0f steps/s, %.0f episodes/min%n",
          seed,
          r.last20Mean(),
          r.envSteps(),
          r.seconds(),
          r.stepsPerSecond(),
          r.episodesPerMinute());
      if (r.last20Mean() >= 475) {
        solved++;
      }
    }
    System.out.printf("zoo: %d of 5 seeds reached a last-20 mean >= 475 in 100k steps%n", solved);
    assertThat(solved).isPositive();
  }

  @Test
  void cleanRlSettingsThroughput() {
    PpoSpec ppo = Settings.cleanRlPpo();
    CartPoleRun.Result r = CartPoleRun.train(ppo, 4, 1, 100_000);
    System.out.printf(
        "cleanrl seed 1: last-20 mean %.1f, %d steps in %.1f s = %.0f steps/s, %.0f episodes/min%n",
        r.last20Mean(), r.envSteps(), r.seconds(), r.stepsPerSecond(), r.episodesPerMinute());
    assertThat(r.envSteps()).isGreaterThanOrEqualTo(100_000);
  }
}

package dev.ratchet.trainer.env.remote;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.rl.PpoAgent;
import dev.ratchet.trainer.rl.Settings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bridge's benchmark of docs/benchmarks.md (minutes; not part of the CI suite): the same PPO
 * (rl-zoo's CartPole settings, 8 copies, 100k steps) on the in-process Java CartPole and on
 * Gymnasium's CartPole-v1 through the Python server, seeds 1–3 each. Run with {@code ./mvnw -B -pl
 * trainer-image -am test -Pbench -Dtest=ExternalCartPoleBenchmark}.
 */
@Tag("benchmark")
class ExternalCartPoleBenchmark {

  private static final long BUDGET = 100_000;

  /** What one run reached, and when. */
  private record Run(
      String env,
      long seed,
      double last20,
      long stepsTo195,
      long stepsTo475,
      long steps,
      double seconds,
      double envSeconds) {

    String line() {
      return String.format(
          "| %s | %d | %.1f | %s | %s | %,d | %.1f s | %,.0f | %.0f %% |",
          env,
          seed,
          last20,
          stepsTo195 < 0 ? "–" : String.format("%,d", stepsTo195),
          stepsTo475 < 0 ? "–" : String.format("%,d", stepsTo475),
          steps,
          seconds,
          steps / seconds,
          100 * envSeconds / seconds);
    }
  }

  @Test
  void inProcessJavaCartPoleAgainstGymnasiumCartPoleThroughTheBridge() throws Exception {
    PpoSpec ppo = Settings.zooPpo();
    StringBuilder table = new StringBuilder();
    for (long seed = 1; seed <= 3; seed++) {
      long s = seed;
      table
          .append(
              train("Java CartPole (in-process)", seed, ppo, () -> new VecCartPole(8, 500, s))
                  .line())
          .append('\n');
      try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 8)) {
        Duration t = Duration.ofSeconds(30);
        table
            .append(
                train(
                        "Gymnasium CartPole-v1 (bridge)",
                        seed,
                        ppo,
                        () -> RemoteVecEnv.connect("127.0.0.1", server.port(), 8, s, t, t))
                    .line())
            .append('\n');
      }
    }
    System.out.println(
        "| environment | seed | last-20 mean | steps to mean ≥ 195 | steps to mean ≥ 475 | steps |"
            + " wall | env steps/s | share in rollouts |\n|---|---|---|---|---|---|---|---|---|\n"
            + table);
    assertThat(table.toString()).contains("bridge");
  }

  private static Run train(String name, long seed, PpoSpec ppo, Supplier<VecEnv> make) {
    VecEnv env = make.get();
    Deque<Double> last = new ArrayDeque<>();
    long to195 = -1;
    long to475 = -1;
    long envNanos = 0;
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(env, Settings.mlp64(), seed, m)) {
      while (agent.envSteps() < BUDGET) {
        double frac = 1.0 - (double) agent.envSteps() / BUDGET;
        long c0 = System.nanoTime();
        var ended = agent.collect(ppo);
        envNanos += System.nanoTime() - c0;
        for (VecEnv.Episode e : ended) {
          last.addLast(e.score());
          if (last.size() > 20) {
            last.removeFirst();
          }
          double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          if (last.size() == 20 && mean >= 195 && to195 < 0) {
            to195 = agent.envSteps();
          }
          if (last.size() == 20 && mean >= 475 && to475 < 0) {
            to475 = agent.envSteps();
          }
        }
        agent.update(
            ppo,
            ppo.annealLearningRate ? ppo.learningRate * frac : ppo.learningRate,
            ppo.annealClipRange ? ppo.clipRange * frac : ppo.clipRange);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      // collect() includes the policy's forward passes: the share is the rollouts', not the env's
      // alone
      return new Run(name, seed, mean, to195, to475, agent.envSteps(), seconds, envNanos / 1e9);
    }
  }
}

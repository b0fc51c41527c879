package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.env.PolicyEvaluation;
import dev.ratchet.trainer.env.UniformRandomPolicy;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.env.dungeon.DungeonOptions;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.InterceptOptions;
import dev.ratchet.trainer.env.intercept.VecIntercept;
import dev.ratchet.trainer.policy.RouterSettings;
import dev.ratchet.trainer.policy.RouterStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The runs Ratchet exists for, short: a 4-expert mixture of experts on the dungeon through a
 * softmax phase and a sparsemax phase, and an LSTM interceptor. Minutes of CPU, so a benchmark
 * ({@code -Pbench}) that prints its figures for docs/benchmarks.md rather than a CI test; it only
 * checks the figures are real (finite, episodes played).
 */
@Tag("bench")
class PolicyEnvironmentsBenchmark {

  /** What one phase of training ended with. */
  private record PhaseResult(RouterStats router, double meanScore) {}

  /** Trains {@code steps} env steps under {@code router}; returns the last router statistics. */
  private static RouterStats train(PpoAgent agent, PpoSpec ppo, RouterSettings router, long steps) {
    agent.policy().setRouter(router);
    long until = agent.envSteps() + steps;
    RouterStats last = null;
    while (agent.envSteps() < until) {
      agent.collect(ppo);
      UpdateStats stats = agent.update(ppo, ppo.learningRate, ppo.clipRange);
      last = stats.router() != null ? stats.router() : last;
    }
    return last;
  }

  /** Plays {@code episodes} more episodes without updates; their mean score. */
  private static double play(PpoAgent agent, PpoSpec ppo, int episodes) {
    List<Double> scores = new ArrayList<>();
    while (scores.size() < episodes) {
      for (VecEnv.Episode e : agent.collect(ppo)) {
        scores.add(e.score());
      }
    }
    return scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  @Test
  void dungeonMoeSoftmaxThenSparsemax() {
    DungeonOptions options = DungeonOptions.defaults();
    double random =
        PolicyEvaluation.run(
                new VecDungeon(16, 200, 1, options), new UniformRandomPolicy(10, 1), 1000)
            .meanScore();
    PpoSpec ppo = Settings.dungeonPpo();
    PhaseResult warmup;
    PhaseResult fineTune;
    long[] steps = new long[1];
    long[] episodes = new long[1];
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecDungeon(16, 200, 1, options), PolicySettings.moe64(), 1, m)) {
      // The example's warmup: softmax at temperature 1, alpha entropy maximized, load balanced.
      RouterStats soft =
          train(
              agent,
              ppo,
              new RouterSettings(Routing.SOFTMAX, 1.0, 0.1, EntropyGoal.MAXIMIZE, 0.02, 0.01),
              150_000);
      warmup = new PhaseResult(soft, play(agent, ppo, 100));
      // Its fine-tune: sparsemax at temperature 0.2, alpha entropy minimized.
      RouterStats sparse =
          train(
              agent,
              ppo,
              new RouterSettings(Routing.SPARSEMAX, 0.2, 0.1, EntropyGoal.MINIMIZE, 0.02, 0.01),
              50_000);
      fineTune = new PhaseResult(sparse, play(agent, ppo, 200));
      steps[0] = agent.envSteps();
      episodes[0] = agent.episodes();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "dungeon moe throughput: %d env steps, %d episodes in %.1f s: %.0f env steps/s, %.0f"
            + " episodes/min%n",
        steps[0], episodes[0], seconds, steps[0] / seconds, episodes[0] / seconds * 60);
    System.out.printf(
        "dungeon moe: random %.1f; softmax T=1 after 150k steps: score %.1f, alpha entropy %.3f"
            + " (ln 4 = 1.386), usage %s; sparsemax T=0.2 after 50k more: score %.1f, alpha"
            + " entropy %.3f, usage %s, dead experts %d (%.0f s)%n",
        random,
        warmup.meanScore(),
        warmup.router().alphaEntropy(),
        warmup.router().expertUsage(),
        fineTune.meanScore(),
        fineTune.router().alphaEntropy(),
        fineTune.router().expertUsage(),
        fineTune.router().deadExperts(),
        seconds);
    assertThat(warmup.router().alphaEntropy()).isBetween(0.0, Math.log(4) + 1e-6);
    assertThat(fineTune.router().alphaEntropy()).isBetween(0.0, Math.log(4) + 1e-6);
    assertThat(episodes[0]).isPositive();
  }

  @Test
  void lstmInterceptor() {
    InterceptOptions options = InterceptOptions.defaults();
    VecIntercept randomEnv = new VecIntercept(8, 500, 1, options);
    double random =
        PolicyEvaluation.run(randomEnv, new UniformRandomPolicy(10, 1), 1000).meanScore();
    EnvRun.Result r =
        EnvRun.train(
            new VecIntercept(8, 500, 1, options),
            Settings.interceptPpo(),
            PolicySettings.lstm64(),
            1,
            150_000,
            200);
    double success = r.fraction(s -> s > 0);
    System.out.printf(
        "intercept lstm: random %.0f (success %.1f%%), PPO after %d steps %.0f (success %.1f%%),"
            + " %.0f env steps/s, %.1f s, %d evaluation episodes%n",
        random,
        100 * randomEnv.successRate(),
        r.envSteps(),
        r.meanScore(),
        100 * success,
        r.stepsPerSecond(),
        r.seconds(),
        r.scores().size());
    assertThat(r.meanScore()).isFinite();
  }
}

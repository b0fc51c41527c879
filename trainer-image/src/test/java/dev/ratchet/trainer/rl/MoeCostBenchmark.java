package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.policy.RouterSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a mixture of experts costs per env step against the MLP at equal hidden size (issue goal: at
 * most 2×): both train on the dungeon with the same settings, back to back, and the ratios of their
 * training throughput are printed for docs/benchmarks.md ({@code -Pbench}). The mixture is measured
 * twice: with plain routing (auxiliary terms reported, not trained) and with the three auxiliary
 * losses of the examples' warmup phase.
 */
@Tag("benchmark")
class MoeCostBenchmark {

  private static final long STEPS = 150_000;

  /** Steps each model trains, unmeasured, before the timed runs. */
  private static final long WARM_UP = 30_000;

  private static final RouterSettings PLAIN = RouterSettings.plain(Routing.SOFTMAX, 1.0);

  private static final RouterSettings WARMUP_TERMS = PolicySettings.warmupRouter();

  @Test
  void moeCostPerEnvStepAgainstTheMlp() {
    // Without a warm-up the first model measured pays for the JIT and looks slower than it is.
    train(Settings.mlp64(), null, WARM_UP);
    train(PolicySettings.moe64(), WARMUP_TERMS, WARM_UP);
    EnvRun.Result mlp = train(Settings.mlp64(), null, STEPS);
    EnvRun.Result plain = train(PolicySettings.moe64(), PLAIN, STEPS);
    EnvRun.Result terms = train(PolicySettings.moe64(), WARMUP_TERMS, STEPS);
    System.out.printf(
        "dungeon, %d env steps each: mlp 64-64 %.0f env steps/s (%.1f s); moe 64 + 4 experts × 64"
            + " plain routing %.0f env steps/s (%.1f s): %.2f× the mlp per env step; with the"
            + " warmup's auxiliary losses %.0f env steps/s (%.1f s): %.2f×%n",
        STEPS,
        mlp.stepsPerSecond(),
        mlp.seconds(),
        plain.stepsPerSecond(),
        plain.seconds(),
        mlp.stepsPerSecond() / plain.stepsPerSecond(),
        terms.stepsPerSecond(),
        terms.seconds(),
        mlp.stepsPerSecond() / terms.stepsPerSecond());
    assertThat(plain.stepsPerSecond()).isPositive();
    assertThat(terms.stepsPerSecond()).isPositive();
  }

  private static EnvRun.Result train(ModelSpec model, RouterSettings router, long steps) {
    return EnvRun.train(
        new VecDungeon(16, 200, 1, DungeonOptions.defaults()),
        Settings.dungeonPpo(),
        model,
        router,
        1,
        steps,
        1);
  }
}

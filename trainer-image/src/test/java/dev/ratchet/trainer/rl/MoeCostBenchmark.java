package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.trainer.env.dungeon.DungeonOptions;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a mixture of experts costs per env step against the MLP at equal hidden size (issue goal: at
 * most 2×): both train on the dungeon with the same settings, back to back, and the ratio of their
 * training throughput is printed for docs/benchmarks.md ({@code -Pbench}).
 */
@Tag("bench")
class MoeCostBenchmark {

  private static final long STEPS = 150_000;

  /** Steps each model trains, unmeasured, before the timed runs. */
  private static final long WARM_UP = 30_000;

  @Test
  void moeCostPerEnvStepAgainstTheMlp() {
    // Without a warm-up the first model measured pays for the JIT and looks slower than it is.
    train(Settings.mlp64(), WARM_UP);
    train(PolicySettings.moe64(), WARM_UP);
    EnvRun.Result mlp = train(Settings.mlp64(), STEPS);
    EnvRun.Result moe = train(PolicySettings.moe64(), STEPS);
    System.out.printf(
        "dungeon, %d env steps each: mlp 64-64 %.0f env steps/s (%.1f s), moe 4 × 64-64 %.0f env"
            + " steps/s (%.1f s): moe costs %.2f× the mlp per env step%n",
        STEPS,
        mlp.stepsPerSecond(),
        mlp.seconds(),
        moe.stepsPerSecond(),
        moe.seconds(),
        mlp.stepsPerSecond() / moe.stepsPerSecond());
    assertThat(moe.stepsPerSecond()).isPositive();
  }

  private static EnvRun.Result train(ModelSpec model, long steps) {
    return EnvRun.train(
        new VecDungeon(16, 200, 1, DungeonOptions.defaults()),
        Settings.dungeonPpo(),
        model,
        1,
        steps,
        1);
  }
}

package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecCartPole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The non-finite guard, rejected steps and the per-step NDManager scoping. */
class PpoGuardsTest {

  @Test
  void nonFiniteLossSkipsTheUpdateAndLeavesParametersUntouched() {
    PpoSpec ppo = Settings.zooPpo();
    ppo.epochs = 3;
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(4, 500, 5), Settings.mlp64(), 5, m)) {
      agent.collect(ppo);
      float[][] before = agent.policy().parameters().snapshot();
      agent.rollout().advantages[3] = Float.NaN;
      UpdateStats s = agent.update(ppo, 1e-3, 0.2);
      assertThat(s.nonFinite()).isEqualTo(3);
      assertThat(s.minibatches()).isZero();
      // a NaN advantage poisons the surrogate first: the report names that term
      assertThat(s.firstNonFinite().describe()).isEqualTo("loss term policyLoss");
      assertThat(agent.adam().step()).isZero();
      float[][] after = agent.policy().parameters().snapshot();
      for (int i = 0; i < before.length; i++) {
        assertThat(after[i]).containsExactly(before[i]);
      }
      // A clean rollout afterwards trains normally.
      agent.collect(ppo);
      UpdateStats ok = agent.update(ppo, 1e-3, 0.2);
      assertThat(ok.nonFinite()).isZero();
      assertThat(ok.minibatches()).isEqualTo(3);
      assertThat(agent.policy().parameters().allFinite()).isTrue();
    }
  }

  @Test
  void aRejectedStepLeavesNoGradientAndNoOptimizerStateBehind() throws Exception {
    PpoSpec ppo = Settings.zooPpo();
    ppo.epochs = 2;
    ppo.minibatches = 2;
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(4, 500, 5), Settings.mlp64(), 5, m);
        PpoAgent twin = new PpoAgent(new VecCartPole(4, 500, 5), Settings.mlp64(), 5, m)) {
      agent.collect(ppo);
      agent.update(ppo, 1e-3, 0.2);
      long steps = agent.adam().step();
      agent.collect(ppo);
      // A learning rate this large makes every step's parameters infinite: all are rejected.
      UpdateStats rejected = agent.update(ppo, 1e39, 0.2);
      assertThat(rejected.nonFinite()).isEqualTo(4);
      assertThat(rejected.minibatches()).isZero();
      assertThat(rejected.firstNonFinite())
          .isEqualTo(new NonFinite(NonFinite.Kind.PARAMETER, "actor.0.weight"));
      assertThat(agent.adam().step()).isEqualTo(steps);
      // A twin restored from the agent's state has no engine copies with gradients in them: the
      // next update must be the same for both.
      ByteArrayOutputStream params = new ByteArrayOutputStream();
      ByteArrayOutputStream optimizer = new ByteArrayOutputStream();
      ByteArrayOutputStream state = new ByteArrayOutputStream();
      agent.writeParameters(new DataOutputStream(params));
      agent.writeOptimizer(new DataOutputStream(optimizer));
      agent.writeState(new DataOutputStream(state));
      twin.read(in(params), in(optimizer), in(state));
      for (PpoAgent a : new PpoAgent[] {agent, twin}) {
        a.collect(ppo);
        assertThat(a.update(ppo, 1e-3, 0.2).minibatches()).isEqualTo(4);
      }
      float[][] mine = agent.policy().parameters().snapshot();
      float[][] theirs = twin.policy().parameters().snapshot();
      for (int i = 0; i < mine.length; i++) {
        assertThat(mine[i]).as(agent.policy().parameters().name(i)).containsExactly(theirs[i]);
      }
    }
  }

  private static DataInputStream in(ByteArrayOutputStream bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Test
  void fiftyThousandStepsKeepOpenArraysAndNativeMemoryFlat() throws Exception {
    PpoSpec ppo = Settings.zooPpo();
    ppo.epochs = 1;
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(8, 500, 9), Settings.mlp64(), 9, m)) {
      // Warm up first: the JVM heap and PyTorch's allocator grow to their working size.
      while (agent.envSteps() < 20_480) {
        agent.collect(ppo);
        agent.update(ppo, 1e-3, 0.2);
      }
      // Counted after a rollout both times, so the lazily made inference copies exist both times.
      agent.collect(ppo);
      int arrays = m.getManagedArrays().size();
      long rss = rssKb();
      long heap = Runtime.getRuntime().totalMemory() / 1024;
      while (agent.envSteps() < 70_000) {
        agent.collect(ppo);
        // Mostly rollouts (they dominate the step count), with an update every 10th.
        if (agent.envSteps() % 2560 == 0) {
          agent.update(ppo, 1e-3, 0.2);
        }
      }
      agent.collect(ppo);
      assertThat(m.getManagedArrays()).hasSize(arrays);
      // Native growth: the process's resident growth less what the JVM heap committed meanwhile.
      long heapGrowthKb = Runtime.getRuntime().totalMemory() / 1024 - heap;
      long growthKb = rssKb() - rss - heapGrowthKb;
      System.out.printf(
          "open arrays %d, native growth %d kB (heap growth %d kB) over 50k steps%n",
          arrays, growthKb, heapGrowthKb);
      assertThat(growthKb).isLessThan(48 * 1024);
    }
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}

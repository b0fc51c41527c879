package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.policy.Evaluation;
import dev.ratchet.trainer.policy.RouterSettings;
import dev.ratchet.trainer.policy.Sequences;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The training forward replays what the rollout saw: for every architecture, evaluating the rollout
 * (as the learner lays it out, whole sequences for the LSTM) gives back the log-probabilities and
 * values recorded while acting, so PPO's ratio starts at exactly 1.
 */
class PolicyReplayTest {

  private record Replay(float[] logp, float[] values) {}

  private static Replay replay(PpoAgent agent, boolean resetAtEpisodeEnds) {
    Rollout r = agent.rollout();
    boolean recurrent = agent.policy().stateSize() > 0;
    int[] envs = new int[r.envs];
    Arrays.setAll(envs, i -> i);
    int[] idx = new int[r.size()];
    Arrays.setAll(idx, i -> i);
    Sequences seq = null;
    if (recurrent) {
      idx = PpoLearner.sequenceSamples(r, envs);
      seq = PpoLearner.sequences(r, envs);
      if (!resetAtEpisodeEnds) {
        Arrays.fill(seq.keep(), 1f);
      }
    }
    float[] obs = new float[idx.length * r.obsDim];
    for (int j = 0; j < idx.length; j++) {
      System.arraycopy(r.obs, idx[j] * r.obsDim, obs, j * r.obsDim, r.obsDim);
    }
    int a = agent.policy().actions();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray[] p = agent.policy().parameters().materialize(m, false);
      Evaluation ev =
          agent.policy().evaluate(p, m.create(obs, new Shape(idx.length, r.obsDim)), seq);
      float[] logp = ev.logits().logSoftmax(1).toFloatArray();
      float[] v = ev.value().toFloatArray();
      float[] chosen = new float[idx.length];
      float[] values = new float[idx.length];
      for (int j = 0; j < idx.length; j++) {
        chosen[idx[j]] = logp[j * a + r.actions[idx[j]]];
        values[idx[j]] = v[j];
      }
      return new Replay(chosen, values);
    }
  }

  private static void assertReplays(Architecture arch, RouterSettings router) {
    PpoSpec ppo = Settings.zooPpo();
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecCartPole(4, 500, 21), PolicySettings.of(arch), 21, m)) {
      agent.policy().setRouter(router);
      agent.collect(ppo);
      // A second rollout starts from carried-over (non-zero) recurrent state.
      agent.update(ppo, 1e-3, 0.2);
      agent.collect(ppo);
      Rollout r = agent.rollout();
      int ends = 0;
      for (boolean d : r.dones) {
        ends += d ? 1 : 0;
      }
      assertThat(ends).as("episode ends inside the rollout").isGreaterThan(0);
      Replay replay = replay(agent, true);
      double worstLogp = 0;
      double worstValue = 0;
      for (int i = 0; i < r.size(); i++) {
        worstLogp = Math.max(worstLogp, Math.abs(replay.logp()[i] - r.logProbs[i]));
        worstValue = Math.max(worstValue, Math.abs(replay.values()[i] - r.values[i]));
      }
      System.out.printf(
          "%s %s: replay max |Δ log p| %.2e, max |Δ value| %.2e%n",
          arch, router.routing(), worstLogp, worstValue);
      assertThat(worstLogp).isLessThan(1e-5);
      assertThat(worstValue).isLessThan(1e-4);
      if (arch == Architecture.LSTM) {
        // Without the resets the replay goes wrong: the resets matter and are where they belong.
        Replay wrong = replay(agent, false);
        double off = 0;
        for (int i = 0; i < r.size(); i++) {
          off = Math.max(off, Math.abs(wrong.values()[i] - r.values[i]));
        }
        System.out.printf("LSTM replay without resets: max |Δ value| %.2e%n", off);
        assertThat(off).isGreaterThan(1e-3);
      }
    }
  }

  @Test
  void mlpReplays() {
    assertReplays(Architecture.MLP, RouterSettings.plain(Routing.SOFTMAX, 1));
  }

  @Test
  void lstmReplaysWholeSequencesWithTheirResets() {
    assertReplays(Architecture.LSTM, RouterSettings.plain(Routing.SOFTMAX, 1));
  }

  @Test
  void moeReplaysUnderSoftmaxAndSparsemax() {
    assertReplays(Architecture.MOE, RouterSettings.plain(Routing.SOFTMAX, 1));
    assertReplays(Architecture.MOE, RouterSettings.plain(Routing.SPARSEMAX, 0.2));
  }
}

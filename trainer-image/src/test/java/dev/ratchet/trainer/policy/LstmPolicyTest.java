package dev.ratchet.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ratchet.trainer.rl.Rng;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The LSTM policy computes what the LSTM equations say, with PyTorch's gate order, and its training
 * forward backpropagates through time across an episode reset correctly.
 */
class LstmPolicyTest {

  private static final int OBS = 3;
  private static final int STEPS = 6;
  private static final int SEQS = 2;

  @Test
  void separateTowersStepFollowTheLstmEquations() {
    stepFollowsTheLstmEquations(false);
  }

  @Test
  void sharedTrunkStepFollowsTheLstmEquations() {
    stepFollowsTheLstmEquations(true);
  }

  private static void stepFollowsTheLstmEquations(boolean shared) {
    int hidden = 5;
    int width = 4;
    int towers = shared ? 1 : 2;
    LstmPolicy policy = new LstmPolicy(OBS, 2, List.of(hidden), width, shared, new Rng(5));
    ParameterSet ps = policy.parameters();
    Rng rng = new Rng(9);
    // Non-zero biases everywhere, so a bias in the wrong place shows.
    for (int i = 0; i < ps.size(); i++) {
      if (ps.shape(i).dimension() == 1) {
        float[] b = ps.values(i);
        for (int k = 0; k < b.length; k++) {
          b[k] += (float) (rng.nextDouble() - 0.5);
        }
      }
    }
    float[] obs = {0.3f, -0.7f, 0.1f, -0.2f, 0.5f, 0.9f};
    int stateSize = towers * 2 * width;
    assertThat(policy.stateSize()).isEqualTo(stateSize);
    float[] state = new float[2 * stateSize];
    for (int i = 0; i < state.length; i++) {
      state[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    float[] out;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray[] p = ps.materialize(m, false);
      out =
          policy
              .step(p, m.create(obs, new Shape(2, OBS)), m.create(state, new Shape(2, stateSize)))
              .toFloatArray();
    }
    int stride = 2 + 1 + stateSize;
    int heads = towers * 6;
    for (int e = 0; e < 2; e++) {
      double[][] h = new double[towers][width];
      for (int tower = 0; tower < towers; tower++) {
        int base = tower * 6;
        double[] x = new double[hidden];
        for (int k = 0; k < hidden; k++) {
          double z = ps.values(base + 1)[k];
          for (int d = 0; d < OBS; d++) {
            z += obs[e * OBS + d] * ps.values(base)[d * hidden + k];
          }
          x[k] = Math.tanh(z);
        }
        int s = e * stateSize + tower * 2 * width;
        for (int k = 0; k < width; k++) {
          double[] gate = new double[4];
          for (int g = 0; g < 4; g++) {
            int row = g * width + k;
            double z = ps.values(base + 4)[row] + ps.values(base + 5)[row];
            for (int d = 0; d < hidden; d++) {
              z += ps.values(base + 2)[row * hidden + d] * x[d];
            }
            for (int d = 0; d < width; d++) {
              z += ps.values(base + 3)[row * width + d] * state[s + d];
            }
            gate[g] = z;
          }
          double c =
              sigmoid(gate[1]) * state[s + width + k] + sigmoid(gate[0]) * Math.tanh(gate[2]);
          h[tower][k] = sigmoid(gate[3]) * Math.tanh(c);
          int o = e * stride + 3 + tower * 2 * width;
          assertThat((double) out[o + k])
              .as("h[%d] of tower %d, env %d", k, tower, e)
              .isCloseTo(h[tower][k], Offset.offset(1e-5));
          assertThat((double) out[o + width + k])
              .as("c[%d] of tower %d, env %d", k, tower, e)
              .isCloseTo(c, Offset.offset(1e-5));
        }
      }
      for (int a = 0; a < 2; a++) {
        double logit = ps.values(heads + 1)[a];
        for (int k = 0; k < width; k++) {
          logit += h[0][k] * ps.values(heads)[k * 2 + a];
        }
        assertThat((double) out[e * stride + a])
            .as("logit %d of env %d", a, e)
            .isCloseTo(logit, Offset.offset(1e-5));
      }
      double value = ps.values(heads + 3)[0];
      for (int k = 0; k < width; k++) {
        value += h[towers - 1][k] * ps.values(heads + 2)[k];
      }
      assertThat((double) out[e * stride + 2])
          .as("value of env %d", e)
          .isCloseTo(value, Offset.offset(1e-5));
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void sequenceGradientsMatchFiniteDifferences() {
    LstmPolicy policy = new LstmPolicy(OBS, 2, List.of(5), 4, false, new Rng(3));
    Rng rng = new Rng(11);
    float[] obs = new float[STEPS * SEQS * OBS];
    for (int i = 0; i < obs.length; i++) {
      obs[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    float[] initial = new float[SEQS * policy.stateSize()];
    for (int i = 0; i < initial.length; i++) {
      initial[i] = (float) (rng.nextDouble() - 0.5);
    }
    float[] keep = new float[STEPS * SEQS];
    java.util.Arrays.fill(keep, 1f);
    keep[3 * SEQS + 1] = 0f; // sequence 1 starts a new episode at step 3
    Sequences seq = new Sequences(STEPS, SEQS, initial, keep);
    float[] weights = new float[STEPS * SEQS * 3];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    ParameterSet ps = policy.parameters();
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] autograd = new float[ps.size()][];
      try (NDManager sub = m.newSubManager()) {
        NDArray[] p = ps.materialize(sub, true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(objective(policy, p, sub, obs, seq, weights));
        }
        for (int i = 0; i < ps.size(); i++) {
          autograd[i] = p[i].getGradient().toFloatArray();
        }
      }
      int checked = 0;
      for (int i = 0; i < ps.size(); i++) {
        float[] v = ps.values(i);
        for (int k = 0; k < v.length; k += Math.max(1, v.length / 7)) {
          double eps = 1e-2;
          float saved = v[k];
          v[k] = (float) (saved + eps);
          double up = evaluate(policy, m, obs, seq, weights);
          v[k] = (float) (saved - eps);
          double down = evaluate(policy, m, obs, seq, weights);
          v[k] = saved;
          double numeric = (up - down) / (2 * eps);
          assertThat((double) autograd[i][k])
              .as("d/d %s[%d]", ps.name(i), k)
              .isCloseTo(numeric, Offset.offset(2e-3 + 0.02 * Math.abs(numeric)));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(40);
    }
  }

  private static double evaluate(
      LstmPolicy policy, NDManager m, float[] obs, Sequences seq, float[] weights) {
    try (NDManager sub = m.newSubManager()) {
      NDArray[] p = policy.parameters().materialize(sub, false);
      return objective(policy, p, sub, obs, seq, weights)
          .toType(DataType.FLOAT64, false)
          .getDouble();
    }
  }

  /** A fixed linear function of the log-probabilities and values of every step. */
  private static NDArray objective(
      LstmPolicy policy, NDArray[] p, NDManager m, float[] obs, Sequences seq, float[] weights) {
    int n = STEPS * SEQS;
    Evaluation ev = policy.evaluate(p, m.create(obs, new Shape(n, OBS)), seq);
    NDArray out = ev.logits().logSoftmax(1).concat(ev.value().reshape(n, 1), 1);
    return out.mul(m.create(weights, new Shape(n, 3))).sum();
  }
}

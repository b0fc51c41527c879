package dev.ratchet.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {

  @Test
  void threeStepsFollowTheAdamFormulaComputedInDoublePrecision() {
    ParameterSet ps = new ParameterSet(List.of("w", "b"), List.of(new Shape(2, 2), new Shape(1)));
    float[] w0 = {0.5f, -1.0f, 2.0f, 0.0f};
    System.arraycopy(w0, 0, ps.values(0), 0, 4);
    ps.values(1)[0] = 3.0f;
    Adam adam = new Adam(ps, 1e-5);
    float[][][] grads = {
      {{0.1f, -0.2f, 3.0f, 0.0f}, {-1.0f}},
      {{0.3f, 0.2f, -3.0f, 1e-4f}, {-0.5f}},
      {{-0.1f, 0.0f, 1.0f, 2.0f}, {4.0f}},
    };
    double lr = 1e-2;

    double[][] p = {{0.5, -1.0, 2.0, 0.0}, {3.0}};
    double[][] m = {new double[4], new double[1]};
    double[][] v = {new double[4], new double[1]};
    for (int t = 1; t <= grads.length; t++) {
      adam.update(ps, grads[t - 1], lr);
      for (int i = 0; i < p.length; i++) {
        for (int k = 0; k < p[i].length; k++) {
          double g = grads[t - 1][i][k];
          m[i][k] = 0.9 * m[i][k] + 0.1 * g;
          v[i][k] = 0.999 * v[i][k] + 0.001 * g * g;
          double mHat = m[i][k] / (1 - Math.pow(0.9, t));
          double vHat = v[i][k] / (1 - Math.pow(0.999, t));
          // PyTorch adds eps to sqrt(vHat), not to vHat.
          p[i][k] -= lr * mHat / (Math.sqrt(vHat) + 1e-5);
        }
      }
    }

    assertThat(adam.step()).isEqualTo(3);
    for (int i = 0; i < p.length; i++) {
      for (int k = 0; k < p[i].length; k++) {
        assertThat((double) ps.values(i)[k])
            .as("param %d[%d]", i, k)
            .isCloseTo(p[i][k], within(1e-6));
      }
    }
    // A parameter whose gradient kept one sign moved by about lr per step.
    assertThat((double) ps.values(1)[0]).isNotCloseTo(3.0, within(1e-3));
  }
}

package dev.ratchet.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ratchet.trainer.rl.Rng;
import org.junit.jupiter.api.Test;

/** Sparsemax's forward values, simplex outputs, gradients and response to temperature. */
class SparsemaxTest {

  private static float[] sparsemax(NDManager m, float[] row) {
    return Sparsemax.apply(m.create(row, new Shape(1, row.length))).toFloatArray();
  }

  @Test
  void knownValuesMatchHandComputation() {
    try (NDManager m = NDManager.newBaseManager()) {
      // [1,2,3]: k=1 holds (1+3 > 3), k=2 fails (1+2·2 = 5 ≯ 5): τ = 2, so [0,0,1].
      assertThat(sparsemax(m, new float[] {1, 2, 3})).containsExactly(0f, 0f, 1f);
      // [1,2,3]/2: k=2 holds (1+2 > 2.5), k=3 fails (1+1.5 ≯ 3): τ = (2.5−1)/2 = 0.75.
      assertThat(sparsemax(m, new float[] {0.5f, 1f, 1.5f}))
          .containsExactly(new float[] {0f, 0.25f, 0.75f}, within(1e-6f));
      // [0.5,1,0.2]: support {1, 0.5}, τ = 0.25.
      assertThat(sparsemax(m, new float[] {0.5f, 1f, 0.2f}))
          .containsExactly(new float[] {0.25f, 0.75f, 0f}, within(1e-6f));
      // Ties share the support: [1,1,0] gives τ = 0.5.
      assertThat(sparsemax(m, new float[] {1f, 1f, 0f}))
          .containsExactly(new float[] {0.5f, 0.5f, 0f}, within(1e-6f));
      assertThat(sparsemax(m, new float[] {0, 0, 0, 0}))
          .containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
    }
  }

  @Test
  void outputsAreOnTheSimplexAndMatchAReferenceImplementation() {
    Rng rng = new Rng(11);
    int rows = 64;
    int n = 6;
    float[] z = new float[rows * n];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (rng.nextGaussian() * (1 + i % 3));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      float[] a = Sparsemax.apply(m.create(z, new Shape(rows, n))).toFloatArray();
      int sparseRows = 0;
      for (int r = 0; r < rows; r++) {
        double sum = 0;
        double[] ref = reference(z, r * n, n);
        int zeros = 0;
        for (int k = 0; k < n; k++) {
          float v = a[r * n + k];
          assertThat(v).isGreaterThanOrEqualTo(0f);
          assertThat((double) v).isCloseTo(ref[k], within(1e-5));
          sum += v;
          zeros += v == 0f ? 1 : 0;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-5));
        sparseRows += zeros > 0 ? 1 : 0;
      }
      // The inputs really exercise exact zeros, not only dense outputs.
      assertThat(sparseRows).isGreaterThan(rows / 2);
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesAndTheClosedForm() {
    Rng rng = new Rng(5);
    int n = 5;
    double h = 1e-3;
    int checked = 0;
    try (NDManager m = NDManager.newBaseManager()) {
      while (checked < 12) {
        float[] z = new float[n];
        float[] w = new float[n];
        for (int k = 0; k < n; k++) {
          z[k] = (float) rng.nextGaussian();
          w[k] = (float) rng.nextGaussian();
        }
        if (nearKink(z, 10 * h)) {
          continue; // Finite differences straddling a kink measure neither side.
        }
        NDArray zNd = m.create(z, new Shape(1, n));
        zNd.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss = Sparsemax.apply(zNd).mul(m.create(w, new Shape(1, n))).sum();
          gc.backward(loss);
        }
        float[] grad = zNd.getGradient().toFloatArray();
        double[] ref = reference(z, 0, n);
        double supportMean = 0;
        int support = 0;
        for (int k = 0; k < n; k++) {
          if (ref[k] > 0) {
            supportMean += w[k];
            support++;
          }
        }
        supportMean /= support;
        for (int j = 0; j < n; j++) {
          float[] plus = z.clone();
          float[] minus = z.clone();
          plus[j] += (float) h;
          minus[j] -= (float) h;
          double numeric =
              (dot(sparsemax(m, plus), w) - dot(sparsemax(m, minus), w)) / (plus[j] - minus[j]);
          assertThat((double) grad[j]).as("d/dz%d", j).isCloseTo(numeric, within(2e-3));
          double closedForm = ref[j] > 0 ? w[j] - supportMean : 0.0;
          assertThat((double) grad[j]).isCloseTo(closedForm, within(1e-5));
          if (ref[j] == 0) {
            assertThat(grad[j]).isZero();
          }
        }
        checked++;
      }
    }
  }

  @Test
  void lowerTemperatureShrinksTheSupport() {
    float[] logits = {0.31f, 0.12f, -0.05f, 0.27f, -0.4f, 0.2f};
    int[] sizes = new int[4];
    double[] temperatures = {2.0, 1.0, 0.2, 0.05};
    try (NDManager m = NDManager.newBaseManager()) {
      for (int i = 0; i < temperatures.length; i++) {
        float[] scaled = new float[logits.length];
        for (int k = 0; k < logits.length; k++) {
          scaled[k] = (float) (logits[k] / temperatures[i]);
        }
        for (float v : sparsemax(m, scaled)) {
          sizes[i] += v > 0 ? 1 : 0;
        }
      }
    }
    System.out.printf(
        "sparsemax support at T = 2, 1, 0.2, 0.05: %s%n", java.util.Arrays.toString(sizes));
    assertThat(sizes).containsExactly(5, 4, 3, 2);
  }

  /** Sparsemax in double precision by the textbook algorithm. */
  static double[] reference(float[] z, int from, int n) {
    double[] sorted = new double[n];
    for (int k = 0; k < n; k++) {
      sorted[k] = z[from + k];
    }
    java.util.Arrays.sort(sorted);
    double cumulative = 0;
    double supportSum = 0;
    int support = 0;
    for (int k = 1; k <= n; k++) {
      double v = sorted[n - k];
      cumulative += v;
      if (1 + k * v > cumulative) {
        support = k;
        supportSum = cumulative;
      }
    }
    double tau = (supportSum - 1) / support;
    double[] out = new double[n];
    for (int k = 0; k < n; k++) {
      out[k] = Math.max(0, z[from + k] - tau);
    }
    return out;
  }

  private static boolean nearKink(float[] z, double margin) {
    double[] a = reference(z, 0, z.length);
    double tau = 0;
    for (int k = 0; k < z.length; k++) {
      if (a[k] > 0) {
        tau = z[k] - a[k];
      }
    }
    for (float v : z) {
      if (Math.abs(v - tau) < margin) {
        return true;
      }
    }
    return false;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}

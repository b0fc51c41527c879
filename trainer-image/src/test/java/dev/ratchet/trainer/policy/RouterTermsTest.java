package dev.ratchet.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Entropy, load balance and expert similarity: values, and gradients that stay finite. */
class RouterTermsTest {

  @Test
  void entropyIsZeroForOneHotAndLnEForUniformWithFiniteGradientsAtZero() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {1, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f}, new Shape(2, 4));
      p.setRequiresGradient(true);
      float[] h;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray entropy = RouterTerms.entropy(p);
        h = entropy.toFloatArray();
        gc.backward(entropy.sum());
      }
      assertThat(h[0]).isZero();
      assertThat((double) h[1]).isCloseTo(Math.log(4), within(1e-6));
      float[] g = p.getGradient().toFloatArray();
      for (float x : g) {
        assertThat(Float.isFinite(x)).as("gradient %s", x).isTrue();
      }
      // d/dp of −p·log p is −(log p + 1); at p = 0 the clamp gives −log(eps).
      assertThat((double) g[1]).isCloseTo(-Math.log(RouterTerms.LOG_EPS), within(1e-3));
    }
  }

  @Test
  void entropyThroughSparsemaxWithExactZerosStaysFinite() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = m.create(new float[] {3, 0, -1, 0.5f, 2.9f, 2.8f, -3, 0}, new Shape(2, 4));
      z.setRequiresGradient(true);
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray alpha = Sparsemax.apply(z);
        assertThat(alpha.toFloatArray()).contains(0f);
        NDArray h = RouterTerms.entropy(alpha).mean();
        value = h.getFloat();
        gc.backward(h);
      }
      assertThat(Float.isFinite(value)).isTrue();
      for (float x : z.getGradient().toFloatArray()) {
        assertThat(Float.isFinite(x)).isTrue();
      }
    }
  }

  @Test
  void loadBalanceIsOneWhenBalancedAndFeedsTheRouterWhenOneExpertWins() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Each sample prefers a different expert: f = P = 1/4 each, so E · Σ f·P = 1.
      NDArray spread =
          m.create(
              new float[] {
                0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.7f, 0.1f, 0.1f, 0.1f,
                0.1f, 0.7f
              },
              new Shape(4, 4));
      assertThat(RouterTerms.loadBalance(spread, spread).getFloat()).isCloseTo(1f, within(1e-6f));

      // One expert wins everything under sparsemax: α is one-hot, whose Jacobian is zero.
      NDArray z = m.create(new float[] {4, 0, 0, 0, 5, 1, 0, -1}, new Shape(2, 4));
      z.setRequiresGradient(true);
      float balance;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray alpha = Sparsemax.apply(z);
        assertThat(alpha.toFloatArray()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0);
        NDArray lb = RouterTerms.loadBalance(alpha, z.softmax(1));
        balance = lb.getFloat();
        gc.backward(lb);
      }
      // Collapsed: f = (1,0,0,0), so the term is E · P_0, near E.
      assertThat(balance).isBetween(3.7f, 4f);
      float[] g = z.getGradient().toFloatArray();
      // Through the softmax P the winning logit is pushed down and the others up.
      assertThat(g[0]).isPositive();
      assertThat(g[1]).isNegative();
      assertThat(g[4]).isPositive();
    }
  }

  @Test
  void similarityIsOneForIdenticalZeroForOrthogonalMinusOneForOpposite() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray same = m.create(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3}, new Shape(3, 1, 3));
      assertThat(RouterTerms.similarity(same).getFloat()).isCloseTo(1f, within(1e-6f));
      NDArray orthogonal = m.create(new float[] {1, 0, 0, 0, 2, 0, 0, 0, 3}, new Shape(3, 1, 3));
      assertThat(RouterTerms.similarity(orthogonal).getFloat()).isCloseTo(0f, within(1e-6f));
      NDArray opposite = m.create(new float[] {1, -2, -1, 2}, new Shape(2, 1, 2));
      assertThat(RouterTerms.similarity(opposite).getFloat()).isCloseTo(-1f, within(1e-6f));
    }
  }
}

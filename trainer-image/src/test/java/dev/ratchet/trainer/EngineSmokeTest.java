package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Proves the PyTorch engine loads offline from the jars and can do arithmetic and backprop. */
class EngineSmokeTest {

  @Test
  void arithmeticAndBackpropRunOffline() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    Engine engine = Engine.getEngine("PyTorch");
    assertThat(engine.getEngineName()).isEqualTo("PyTorch");
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(new float[] {1f, 2f, 3f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = engine.newGradientCollector()) {
        // y = sum(x^2 + 3x) = 1+3 + 4+6 + 9+9: dy/dx = 2x + 3
        NDArray y = x.mul(x).add(x.mul(3f)).sum();
        assertThat(y.getFloat()).isEqualTo(32f);
        gc.backward(y);
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(5f, 7f, 9f);
    }
  }
}

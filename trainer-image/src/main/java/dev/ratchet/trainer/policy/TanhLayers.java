package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;

/**
 * The forward pass of a stack of tanh dense layers whose parameters lie weight, bias, weight, bias,
 * … from one index: the hidden layers of every architecture (stacked expert layers included, whose
 * batched matmul has the same form).
 */
final class TanhLayers {

  private TanhLayers() {}

  /** {@code depth} layers from parameter {@code first} applied to {@code x}. */
  static NDArray apply(NDArray[] p, int first, int depth, NDArray x) {
    NDArray h = x;
    for (int l = 0; l < depth; l++) {
      h = h.matMul(p[first + 2 * l]).add(p[first + 2 * l + 1]).tanh();
    }
    return h;
  }
}

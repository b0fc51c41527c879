package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants for engine arithmetic, owned by the engine. DJL's {@code NDArray.mul(Number)} (and
 * {@code add}, {@code sub}, {@code div}, {@code pow}, {@code maximum}, {@code minimum}) wraps the
 * number in a tensor over a Java direct buffer and closes it at once, while autograd keeps that
 * tensor for the backward pass (d(c·x)/dx = c). Once the garbage collector frees the buffer and
 * malloc hands its bytes to something else, the backward pass multiplies by whatever lives there:
 * measured, the gradient of sum(3x) came out as -2.6e38 after a collection. That made training
 * depend on when the JVM collected garbage (runs differed inside the test suite, and now and then a
 * whole update went non-finite). A scalar the engine allocates itself lives as long as the graph
 * that holds it, so every constant operand of engine arithmetic comes from here.
 */
public final class Scalars {

  private Scalars() {}

  /** {@code value} as a 0-dimensional array of {@code like}'s type, in {@code like}'s manager. */
  public static NDArray of(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
  }
}

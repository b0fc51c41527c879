package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * Sparsemax (Martins and Astudillo, 2016) over the last axis of a batch × n array: the Euclidean
 * projection onto the simplex, which gives exact zeros to low scores.
 *
 * <p>Forward: sort descending, cumulative sums, support size k = max{k : 1 + k·z₍ₖ₎ > Σⱼ≤ₖ z₍ⱼ₎},
 * threshold τ = (Σ_{support} z − 1) / k, output max(z − τ, 0). The support is found on a
 * gradient-free copy; τ is then recomputed from z through the support mask, so autograd yields
 * exactly the sparsemax Jacobian: on the support, g minus the mean of g over the support; zero
 * elsewhere.
 */
public final class Sparsemax {

  private Sparsemax() {}

  /** Sparsemax of each row of {@code z} (batch × n). */
  public static NDArray apply(NDArray z) {
    long n = z.getShape().get(1);
    NDArray fixed = z.stopGradient();
    NDArray sorted = fixed.neg().sort(1).neg();
    NDArray cumulative = sorted.cumSum(1);
    NDArray k = z.getManager().arange(1f, n + 1f).reshape(1, n);
    NDArray product = sorted.mul(k);
    NDArray inSupport = product.add(Scalars.of(product, 1)).gt(cumulative);
    // The smallest score in the support; ties with it are always in the support too.
    NDArray smallest =
        NDArrays.where(
                inSupport,
                sorted,
                sorted.onesLike().mul(Scalars.of(sorted, Float.POSITIVE_INFINITY)))
            .min(new int[] {1}, true);
    NDArray mask = fixed.gte(smallest).toType(DataType.FLOAT32, false);
    NDArray supportSum = z.mul(mask).sum(new int[] {1}, true);
    NDArray tau = supportSum.sub(Scalars.of(supportSum, 1)).div(mask.sum(new int[] {1}, true));
    return Activation.relu(z.sub(tau));
  }
}

package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The mixture-of-experts router's measures and auxiliary losses, as differentiable engine
 * operations on expert weights α (batch × E).
 */
public final class RouterTerms {

  /** Probabilities are clamped to this inside the log, so p = 0 gives 0 and finite gradients. */
  public static final float LOG_EPS = 1e-8f;

  private RouterTerms() {}

  /** Entropy of each row: −Σ p · log(clamp(p, eps)); exactly 0 for one-hot rows, never NaN. */
  public static NDArray entropy(NDArray p) {
    return p.mul(p.clip(LOG_EPS, 1f).log()).sum(new int[] {p.getShape().dimension() - 1}).neg();
  }

  /**
   * Switch Transformer load balance E · Σᵢ fᵢ · Pᵢ: fᵢ the share of samples whose largest weight is
   * expert i (no gradient), Pᵢ the batch mean of {@code softmaxWeights}, so the router gets
   * gradients even when sparsemax gives one expert everything. 1 when balanced, E when collapsed.
   */
  public static NDArray loadBalance(NDArray alpha, NDArray softmaxWeights) {
    int experts = (int) alpha.getShape().get(1);
    NDArray top = alpha.stopGradient().argMax(1).oneHot(experts).toType(DataType.FLOAT32, false);
    NDArray f = top.mean(new int[] {0});
    NDArray p = softmaxWeights.mean(new int[] {0});
    NDArray sum = f.mul(p).sum();
    return sum.mul(Scalars.of(sum, experts));
  }

  /**
   * Mean pairwise cosine similarity of the expert outputs (E × batch × features), over pairs i ≠ j
   * and samples: Σ_{i≠j} ⟨uᵢ, uⱼ⟩ = ‖Σᵢ uᵢ‖² − E for unit vectors uᵢ (an all-zero output, which
   * tanh layers do not produce, would count as a unit one in the E).
   */
  public static NDArray similarity(NDArray expertOutputs) {
    long experts = expertOutputs.getShape().get(0);
    NDArray lengths = expertOutputs.square().sum(new int[] {2}, true).sqrt();
    NDArray norms = lengths.maximum(Scalars.of(lengths, LOG_EPS));
    NDArray unit = expertOutputs.div(norms);
    NDArray total = unit.sum(new int[] {0}).square().sum(new int[] {1});
    NDArray mean = total.mean();
    return mean.sub(Scalars.of(mean, experts)).div(Scalars.of(mean, experts * (experts - 1)));
  }
}

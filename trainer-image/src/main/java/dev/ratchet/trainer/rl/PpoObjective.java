package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.policy.Evaluation;
import dev.ratchet.trainer.policy.Scalars;
import java.util.List;

/**
 * The PPO minibatch loss on engine arrays: clipped surrogate, (clipped) value loss, entropy bonus
 * and the policy's auxiliary loss, with the figures the learner reports. Its own class so a test
 * can run the backward pass of exactly this loss under conditions it controls.
 */
final class PpoObjective {

  private PpoObjective() {}

  /**
   * The minibatch's targets, as engine arrays.
   *
   * @param oneHot samples × actions, 1 at the action taken
   * @param oldLogp log-probability of the action when it was taken
   * @param advantages normalized advantages
   * @param returns value targets
   * @param oldValues values when acting (for the clipped value loss)
   */
  record Targets(
      NDArray oneHot, NDArray oldLogp, NDArray advantages, NDArray returns, NDArray oldValues) {}

  /** Names of the figures {@link Terms#fetched()} starts with, in order. */
  static final List<String> TERM_NAMES =
      List.of("loss", "policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction");

  /**
   * The loss to differentiate, and the figures fetched with it: {@link #TERM_NAMES}, then the
   * policy's diagnostics.
   */
  record Terms(NDArray loss, NDArray fetched) {}

  static Terms compute(Evaluation ev, Targets t, PpoSpec ppo, double clip) {
    NDArray value = ev.value();
    NDArray logpAll = ev.logits().logSoftmax(1);
    NDArray newLogp = logpAll.mul(t.oneHot()).sum(new int[] {1});
    NDArray entropy = logpAll.exp().mul(logpAll).sum(new int[] {1}).neg().mean();
    NDArray logRatio = newLogp.sub(t.oldLogp());
    NDArray ratio = logRatio.exp();
    NDArray pg1 = t.advantages().mul(ratio).neg();
    NDArray pg2 = t.advantages().mul(ratio.clip(1 - clip, 1 + clip)).neg();
    NDArray pgLoss = pg1.maximum(pg2).mean();
    NDArray vErr = value.sub(t.returns()).square();
    NDArray vSquared;
    if (ppo.clipValueLoss) {
      NDArray vClipped = t.oldValues().add(value.sub(t.oldValues()).clip(-clip, clip));
      vSquared = vErr.maximum(vClipped.sub(t.returns()).square()).mean();
    } else {
      vSquared = vErr.mean();
    }
    NDArray vLoss = vSquared.mul(Scalars.of(vSquared, 0.5));
    NDArray loss =
        pgLoss
            .sub(entropy.mul(Scalars.of(entropy, ppo.entropyCoef)))
            .add(vLoss.mul(Scalars.of(vLoss, ppo.valueCoef)));
    if (ev.auxLoss() != null) {
      loss = loss.add(ev.auxLoss());
    }
    NDArray one = Scalars.of(ratio, 1);
    NDArray approxKl = ratio.sub(one).sub(logRatio).mean();
    NDArray clipFrac = ratio.sub(one).abs().gt(clip).toType(DataType.FLOAT32, false).mean();
    NDArray fetched = NDArrays.stack(new NDList(loss, pgLoss, vLoss, entropy, approxKl, clipFrac));
    if (ev.diagnostics() != null) {
      fetched = fetched.concat(ev.diagnostics(), 0);
    }
    return new Terms(loss, fetched);
  }
}

package dev.ratchet.trainer.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.policy.Adam;
import dev.ratchet.trainer.policy.MlpPolicy;
import dev.ratchet.trainer.policy.ParameterSet;

/**
 * The PPO update: epochs × shuffled minibatches of the clipped surrogate, (clipped) value loss and
 * entropy bonus, with per-minibatch advantage normalization, global grad-norm clipping, Adam and a
 * non-finite guard that skips any step whose loss, gradients or resulting parameters are not
 * finite.
 */
public final class PpoLearner {

  private final MlpPolicy policy;
  private final Adam adam;
  private final NDManager root;
  private NDManager paramManager;
  private NDArray[] params;
  private NDManager inferenceManager;
  private NDArray[] inferenceParams;

  public PpoLearner(MlpPolicy policy, Adam adam, NDManager root) {
    this.policy = policy;
    this.adam = adam;
    this.root = root;
    refreshParameters();
  }

  /**
   * Engine copies of the parameters without gradients, for rollouts (no autograd graph is built per
   * step), valid until the next update or refresh.
   */
  public NDArray[] inferenceParameters() {
    // Made lazily: an update takes many minibatch steps but the next rollout needs only the last.
    if (inferenceParams == null) {
      inferenceManager = root.newSubManager();
      inferenceParams = policy.parameters().materialize(inferenceManager, false);
    }
    return inferenceParams;
  }

  /** Re-creates the engine copies from the Java master copy (after an update or a load). */
  public void refreshParameters() {
    NDManager next = root.newSubManager();
    NDArray[] fresh = policy.parameters().materialize(next, true);
    if (paramManager != null) {
      paramManager.close();
    }
    paramManager = next;
    params = fresh;
    if (inferenceManager != null) {
      inferenceManager.close();
      inferenceManager = null;
    }
    inferenceParams = null;
  }

  /** Runs one update over {@code rollout}; GAE must already be computed. */
  public UpdateStats update(Rollout rollout, PpoSpec ppo, double lr, double clip, Rng rng) {
    int n = rollout.size();
    int mbSize = Math.max(1, n / ppo.minibatches);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[] sums = new double[6];
    int applied = 0;
    int skipped = 0;
    boolean stoppedEarly = false;
    ParameterSet ps = policy.parameters();
    for (int epoch = 0; epoch < ppo.epochs && !stoppedEarly; epoch++) {
      shuffle(order, rng);
      double epochKl = 0;
      int epochSteps = 0;
      for (int start = 0; start + mbSize <= n; start += mbSize) {
        float[] stats = new float[5];
        float[][] grads = minibatchGradients(rollout, order, start, mbSize, ppo, clip, stats);
        double norm = grads == null ? Double.NaN : globalNorm(grads);
        if (!Double.isFinite(norm)) {
          skipped++;
          continue;
        }
        double scale = norm > ppo.maxGradNorm ? ppo.maxGradNorm / (norm + 1e-6) : 1.0;
        if (scale != 1.0) {
          for (float[] g : grads) {
            for (int k = 0; k < g.length; k++) {
              g[k] = (float) (g[k] * scale);
            }
          }
        }
        float[][] before = ps.snapshot();
        adam.update(ps, grads, lr);
        if (!ps.allFinite()) {
          // Never let a non-finite parameter reach the engine or a checkpoint.
          ps.restore(before);
          skipped++;
          continue;
        }
        refreshParameters();
        for (int k = 0; k < 5; k++) {
          sums[k] += stats[k];
        }
        sums[5] += norm;
        applied++;
        epochKl += stats[3];
        epochSteps++;
      }
      if (ppo.targetKl != null && epochSteps > 0 && epochKl / epochSteps > ppo.targetKl) {
        stoppedEarly = true;
      }
    }
    double d = Math.max(1, applied);
    return new UpdateStats(
        sums[0] / d,
        sums[1] / d,
        sums[2] / d,
        sums[3] / d,
        sums[4] / d,
        rollout.explainedVariance(),
        sums[5] / d,
        lr,
        clip,
        applied,
        skipped,
        stoppedEarly);
  }

  /**
   * Forward and backward on one minibatch; fills {@code stats} (policy loss, value loss, entropy,
   * approx KL, clip fraction) and returns the gradients, or null when the loss is not finite.
   */
  private float[][] minibatchGradients(
      Rollout r, int[] order, int start, int size, PpoSpec ppo, double clip, float[] stats) {
    int obsDim = r.obsDim;
    int actions = policy.actions();
    float[] obs = new float[size * obsDim];
    float[] oneHot = new float[size * actions];
    float[] oldLogp = new float[size];
    float[] adv = new float[size];
    float[] ret = new float[size];
    float[] oldV = new float[size];
    double mean = 0;
    for (int j = 0; j < size; j++) {
      int i = order[start + j];
      System.arraycopy(r.obs, i * obsDim, obs, j * obsDim, obsDim);
      oneHot[j * actions + r.actions[i]] = 1f;
      oldLogp[j] = r.logProbs[i];
      adv[j] = r.advantages[i];
      ret[j] = r.returns[i];
      oldV[j] = r.values[i];
      mean += adv[j];
    }
    mean /= size;
    double var = 0;
    for (int j = 0; j < size; j++) {
      var += (adv[j] - mean) * (adv[j] - mean);
    }
    // Unbiased std, as torch.std() in the reference implementations.
    double std = Math.sqrt(var / Math.max(1, size - 1));
    for (int j = 0; j < size; j++) {
      adv[j] = (float) ((adv[j] - mean) / (std + 1e-8));
    }
    try (NDManager mb = root.newSubManager()) {
      NDArray obsNd = mb.create(obs, new Shape(size, obsDim));
      NDArray oneHotNd = mb.create(oneHot, new Shape(size, actions));
      NDArray oldLogpNd = mb.create(oldLogp);
      NDArray advNd = mb.create(adv);
      NDArray retNd = mb.create(ret);
      NDArray oldVNd = mb.create(oldV);
      float[] lossValue;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        // Results attach to obsNd's manager (mb), so they are freed with the minibatch.
        NDArray out = policy.forward(params, obsNd);
        NDArray logits = out.get(":, 0:" + actions);
        NDArray value = out.get(":, " + actions);
        NDArray logpAll = logits.logSoftmax(1);
        NDArray newLogp = logpAll.mul(oneHotNd).sum(new int[] {1});
        NDArray entropy = logpAll.exp().mul(logpAll).sum(new int[] {1}).neg().mean();
        NDArray logRatio = newLogp.sub(oldLogpNd);
        NDArray ratio = logRatio.exp();
        NDArray pg1 = advNd.mul(ratio).neg();
        NDArray pg2 = advNd.mul(ratio.clip(1 - clip, 1 + clip)).neg();
        NDArray pgLoss = pg1.maximum(pg2).mean();
        NDArray vErr = value.sub(retNd).square();
        NDArray vLoss;
        if (ppo.clipValueLoss) {
          NDArray vClipped = oldVNd.add(value.sub(oldVNd).clip(-clip, clip));
          vLoss = vErr.maximum(vClipped.sub(retNd).square()).mean().mul(0.5f);
        } else {
          vLoss = vErr.mean().mul(0.5f);
        }
        NDArray loss =
            pgLoss.sub(entropy.mul((float) ppo.entropyCoef)).add(vLoss.mul((float) ppo.valueCoef));
        NDArray approxKl = ratio.sub(1f).sub(logRatio).mean();
        NDArray clipFrac = ratio.sub(1f).abs().gt(clip).toType(DataType.FLOAT32, false).mean();
        lossValue =
            NDArrays.stack(new NDList(loss, pgLoss, vLoss, entropy, approxKl, clipFrac))
                .toFloatArray();
        if (!Float.isFinite(lossValue[0])) {
          return null;
        }
        gc.backward(loss);
      }
      System.arraycopy(lossValue, 1, stats, 0, 5);
      float[][] grads = new float[params.length][];
      for (int i = 0; i < params.length; i++) {
        grads[i] = params[i].getGradient().toFloatArray();
      }
      return grads;
    }
  }

  private static double globalNorm(float[][] grads) {
    double sq = 0;
    for (float[] g : grads) {
      for (float x : g) {
        sq += (double) x * x;
      }
    }
    return Math.sqrt(sq);
  }

  private static void shuffle(int[] a, Rng rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Releases the engine copies. */
  public void close() {
    if (paramManager != null) {
      paramManager.close();
      paramManager = null;
    }
    if (inferenceManager != null) {
      inferenceManager.close();
      inferenceManager = null;
    }
  }
}

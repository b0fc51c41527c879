package dev.ratchet.trainer.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.policy.Adam;
import dev.ratchet.trainer.policy.Evaluation;
import dev.ratchet.trainer.policy.ParameterSet;
import dev.ratchet.trainer.policy.Policy;
import dev.ratchet.trainer.policy.RouterStats;
import dev.ratchet.trainer.policy.Sequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PPO update: epochs × shuffled minibatches of the clipped surrogate, (clipped) value loss and
 * entropy bonus (plus the policy's auxiliary loss, if any), with per-minibatch advantage
 * normalization, global grad-norm clipping, Adam and a non-finite guard that skips any step whose
 * loss, gradients or resulting parameters are not finite. Feed-forward policies train on shuffled
 * samples; recurrent ones on shuffled whole env sequences.
 */
public final class PpoLearner {

  private final Policy policy;
  private final Adam adam;
  private final NDManager root;
  private NDManager paramManager;
  private NDArray[] params;
  private NDManager inferenceManager;
  private NDArray[] inferenceParams;

  public PpoLearner(Policy policy, Adam adam, NDManager root) {
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
    boolean recurrent = policy.stateSize() > 0;
    // A minibatch holds whole env sequences for a recurrent policy, single samples otherwise.
    int units = recurrent ? rollout.envs : rollout.size();
    int perMinibatch = Math.max(1, units / ppo.minibatches);
    int[] order = new int[units];
    for (int i = 0; i < units; i++) {
      order[i] = i;
    }
    int diagnostics = policy.diagnosticsSize();
    double[] sums = new double[6 + diagnostics];
    int applied = 0;
    int skipped = 0;
    boolean stoppedEarly = false;
    NonFinite firstNonFinite = null;
    ParameterSet ps = policy.parameters();
    for (int epoch = 0; epoch < ppo.epochs && !stoppedEarly; epoch++) {
      shuffle(order, rng);
      double epochKl = 0;
      int epochSteps = 0;
      for (int start = 0; start + perMinibatch <= units; start += perMinibatch) {
        int[] chosen = Arrays.copyOfRange(order, start, start + perMinibatch);
        Sequences seq = recurrent ? sequences(rollout, chosen) : null;
        int[] samples = recurrent ? sequenceSamples(rollout, chosen) : chosen;
        float[] fetched = new float[6 + diagnostics];
        float[][] grads = minibatchGradients(rollout, samples, seq, ppo, clip, fetched);
        double norm = grads == null ? Double.NaN : globalNorm(grads);
        // Never let a non-finite gradient or parameter reach the engine or a checkpoint.
        boolean stepped = Double.isFinite(norm) && step(ps, grads, norm, ppo.maxGradNorm, lr);
        if (!stepped && firstNonFinite == null) {
          firstNonFinite = whereNonFinite(fetched, grads);
        }
        // PyTorch accumulates gradients into the engine copies: the next minibatch starts from
        // fresh ones whether or not this one was applied (a rejected gradient left behind was
        // added to every later one, so one non-finite gradient froze training until a restart).
        refreshParameters();
        if (!stepped) {
          skipped++;
          continue;
        }
        for (int k = 0; k < 5; k++) {
          sums[k] += fetched[1 + k];
        }
        sums[5] += norm;
        for (int k = 0; k < diagnostics; k++) {
          sums[6 + k] += fetched[6 + k];
        }
        applied++;
        epochKl += fetched[4];
        epochSteps++;
      }
      if (ppo.targetKl != null && epochSteps > 0 && epochKl / epochSteps > ppo.targetKl) {
        stoppedEarly = true;
      }
    }
    double d = Math.max(1, applied);
    RouterStats router = null;
    if (diagnostics > 0 && applied > 0) {
      double[] mean = new double[diagnostics];
      for (int k = 0; k < diagnostics; k++) {
        mean[k] = sums[6 + k] / d;
      }
      router = policy.summarize(mean);
    }
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
        stoppedEarly,
        router,
        firstNonFinite);
  }

  /**
   * Where a rejected step first went non-finite: a loss term (the PPO terms first, then the
   * policy's), else the first parameter whose gradient is, else the parameter the Adam step made
   * so.
   */
  private NonFinite whereNonFinite(float[] fetched, float[][] grads) {
    if (grads == null) {
      List<String> names = new ArrayList<>(PpoObjective.TERM_NAMES);
      names.addAll(policy.diagnosticNames());
      for (int k = 1; k < Math.min(fetched.length, names.size()); k++) {
        if (!Float.isFinite(fetched[k])) {
          return new NonFinite(NonFinite.Kind.LOSS, names.get(k));
        }
      }
      return new NonFinite(NonFinite.Kind.LOSS, names.get(0));
    }
    ParameterSet ps = policy.parameters();
    for (int i = 0; i < grads.length; i++) {
      for (float g : grads[i]) {
        if (!Float.isFinite(g)) {
          return new NonFinite(NonFinite.Kind.GRADIENT, ps.name(i));
        }
      }
    }
    int i = adam.rejectedParameter();
    return new NonFinite(NonFinite.Kind.PARAMETER, i < 0 ? "?" : ps.name(i));
  }

  /** Clips {@code grads} to {@code maxNorm} and takes an Adam step, unless it is not finite. */
  private boolean step(ParameterSet ps, float[][] grads, double norm, double maxNorm, double lr) {
    double scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
    if (scale != 1.0) {
      float factor = (float) scale;
      for (float[] g : grads) {
        for (int k = 0; k < g.length; k++) {
          g[k] *= factor;
        }
      }
    }
    return adam.update(ps, grads, lr);
  }

  /** The rollout indices of the chosen envs' sequences, t-major. */
  static int[] sequenceSamples(Rollout r, int[] envs) {
    int[] samples = new int[r.steps * envs.length];
    for (int t = 0; t < r.steps; t++) {
      for (int j = 0; j < envs.length; j++) {
        samples[t * envs.length + j] = t * r.envs + envs[j];
      }
    }
    return samples;
  }

  /** The chosen envs' initial states and reset masks (reset after a step that ended an episode). */
  static Sequences sequences(Rollout r, int[] envs) {
    int n = envs.length;
    float[] initial = new float[n * r.stateSize];
    float[] keep = new float[r.steps * n];
    for (int j = 0; j < n; j++) {
      System.arraycopy(
          r.initialState, envs[j] * r.stateSize, initial, j * r.stateSize, r.stateSize);
      keep[j] = 1f;
      for (int t = 1; t < r.steps; t++) {
        keep[t * n + j] = r.dones[(t - 1) * r.envs + envs[j]] ? 0f : 1f;
      }
    }
    return new Sequences(r.steps, n, initial, keep);
  }

  /**
   * Forward and backward on one minibatch (rollout indices {@code idx}, in the order the policy
   * expects); fills {@code fetched} (loss, policy loss, value loss, entropy, approx KL, clip
   * fraction, then the policy's diagnostics) and returns the gradients, or null when the loss is
   * not finite.
   */
  private float[][] minibatchGradients(
      Rollout r, int[] idx, Sequences seq, PpoSpec ppo, double clip, float[] fetched) {
    int size = idx.length;
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
      int i = idx[j];
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
        Evaluation ev = policy.evaluate(params, obsNd, seq);
        PpoObjective.Terms terms =
            PpoObjective.compute(
                ev, new PpoObjective.Targets(oneHotNd, oldLogpNd, advNd, retNd, oldVNd), ppo, clip);
        // One copy out of the engine for every number of the step.
        lossValue = terms.fetched().toFloatArray();
        System.arraycopy(lossValue, 0, fetched, 0, fetched.length);
        if (!Float.isFinite(lossValue[0])) {
          return null;
        }
        gc.backward(terms.loss());
      }
      float[][] grads = new float[params.length][];
      for (int i = 0; i < params.length; i++) {
        grads[i] = params[i].getGradient().toFloatArray();
      }
      return grads;
    }
  }

  private static double globalNorm(float[][] grads) {
    // Four partial sums: one long dependency chain made this a visible share of an MoE update.
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (float[] g : grads) {
      int k = 0;
      for (; k + 3 < g.length; k += 4) {
        s0 += (double) g[k] * g[k];
        s1 += (double) g[k + 1] * g[k + 1];
        s2 += (double) g[k + 2] * g[k + 2];
        s3 += (double) g[k + 3] * g[k + 3];
      }
      for (; k < g.length; k++) {
        s0 += (double) g[k] * g[k];
      }
    }
    return Math.sqrt(s0 + s1 + s2 + s3);
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

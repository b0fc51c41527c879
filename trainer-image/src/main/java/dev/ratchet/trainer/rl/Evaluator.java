package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.policy.Policy;
import dev.ratchet.trainer.policy.PolicyState;

/**
 * Plays evaluation episodes with a policy on environments of their own, leaving the training
 * environments, recurrent state and generators untouched. Copy {@code i} of {@code n} counts its
 * first {@code (episodes + i) / n} episodes, so the result does not lean towards short episodes (a
 * copy that ends early would otherwise contribute more of them), and the same parameters, seed and
 * environment give the same figures every time.
 */
final class Evaluator {

  private final Policy policy;
  private final NDManager root;

  Evaluator(Policy policy, NDManager root) {
    this.policy = policy;
    this.root = root;
  }

  /**
   * Plays {@code episodes} episodes on {@code env}, freshly made with the evaluation seed.
   *
   * @param params the policy's materialized parameters
   * @param deterministic take the most likely action (the lowest on a tie) rather than sample
   * @param seed seeds the sampling generator when not deterministic (and is reported)
   * @param episode training episodes behind the evaluated parameters (reported)
   */
  EvaluationResult run(
      NDArray[] params, VecEnv env, int episodes, boolean deterministic, long seed, long episode) {
    long t0 = System.nanoTime();
    int n = env.numEnvs();
    int a = env.actions();
    int[] quota = new int[n];
    for (int i = 0; i < n; i++) {
      quota[i] = (episodes + i) / n;
    }
    PolicyState state = new PolicyState(n, policy.stateSize());
    Rng rng = new Rng(seed ^ 0x2545F4914F6CDD1DL);
    float[] obs = new float[n * env.obsDim()];
    float[] rewards = new float[n];
    boolean[] dones = new boolean[n];
    int[] actions = new int[n];
    int stride = a + 1 + policy.stateSize();
    double sum = 0;
    double sumSq = 0;
    double length = 0;
    int successes = 0;
    int counted = 0;
    while (counted < episodes) {
      env.observe(obs);
      float[] out;
      try (NDManager step = root.newSubManager()) {
        NDArray x = step.create(obs, new Shape(n, env.obsDim()));
        out = policy.step(params, x, state.toArray(step)).toFloatArray();
      }
      for (int e = 0; e < n; e++) {
        actions[e] = deterministic ? argmax(out, e * stride, a) : sample(out, e * stride, a, rng);
      }
      state.advance(out, stride, a + 1);
      for (VecEnv.Episode ended : env.step(actions, rewards, dones)) {
        if (quota[ended.env()] > 0) {
          quota[ended.env()]--;
          counted++;
          sum += ended.score();
          sumSq += ended.score() * ended.score();
          length += ended.length();
          successes += ended.success() ? 1 : 0;
        }
      }
      state.reset(dones);
    }
    double mean = sum / counted;
    return new EvaluationResult(
        null,
        episode,
        counted,
        deterministic,
        seed,
        mean,
        Math.sqrt(Math.max(0, sumSq / counted - mean * mean)),
        (double) successes / counted,
        length / counted,
        (System.nanoTime() - t0) / 1e9);
  }

  private static int argmax(float[] logits, int offset, int count) {
    int best = 0;
    for (int k = 1; k < count; k++) {
      if (logits[offset + k] > logits[offset + best]) {
        best = k;
      }
    }
    return best;
  }

  private static int sample(float[] logits, int offset, int count, Rng rng) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < count; k++) {
      max = Math.max(max, logits[offset + k]);
    }
    double z = 0;
    for (int k = 0; k < count; k++) {
      z += Math.exp(logits[offset + k] - max);
    }
    double u = rng.nextDouble() * z;
    double acc = 0;
    for (int k = 0; k < count; k++) {
      acc += Math.exp(logits[offset + k] - max);
      if (u < acc) {
        return k;
      }
    }
    return count - 1;
  }
}

package dev.ratchet.trainer.rl;

/**
 * One rollout of T steps × N envs in plain Java arrays (index t * N + env), with GAE(λ) computed in
 * place once the bootstrap values are known. For a recurrent policy it also keeps each env's state
 * at the rollout's start, from which training replays the env's sequence.
 */
public final class Rollout {

  final int steps;
  final int envs;
  final int obsDim;
  final float[] obs;
  final int[] actions;
  final float[] logProbs;
  final float[] values;
  final float[] rewards;
  final boolean[] dones;
  final float[] advantages;
  final float[] returns;
  final int stateSize;
  final float[] initialState;

  public Rollout(int steps, int envs, int obsDim) {
    this(steps, envs, obsDim, 0);
  }

  public Rollout(int steps, int envs, int obsDim, int stateSize) {
    this.steps = steps;
    this.envs = envs;
    this.obsDim = obsDim;
    this.stateSize = stateSize;
    this.initialState = new float[envs * stateSize];
    int n = steps * envs;
    obs = new float[n * obsDim];
    actions = new int[n];
    logProbs = new float[n];
    values = new float[n];
    rewards = new float[n];
    dones = new boolean[n];
    advantages = new float[n];
    returns = new float[n];
  }

  public int size() {
    return steps * envs;
  }

  /**
   * GAE(λ): {@code dones[t]} means the episode ended at step t, so step t+1 does not bootstrap into
   * it. Truncation is treated as termination (as CleanRL does).
   */
  public void computeGae(float[] lastValues, double gamma, double lambda) {
    double[] gae = new double[envs];
    for (int t = steps - 1; t >= 0; t--) {
      for (int e = 0; e < envs; e++) {
        int i = t * envs + e;
        double nextValue = t == steps - 1 ? lastValues[e] : values[i + envs];
        double notDone = dones[i] ? 0.0 : 1.0;
        double delta = rewards[i] + gamma * nextValue * notDone - values[i];
        gae[e] = delta + gamma * lambda * notDone * gae[e];
        advantages[i] = (float) gae[e];
        returns[i] = (float) (gae[e] + values[i]);
      }
    }
  }

  /** 1 − Var(returns − values) / Var(returns). */
  public double explainedVariance() {
    int n = size();
    double meanR = 0;
    double meanD = 0;
    for (int i = 0; i < n; i++) {
      meanR += returns[i];
      meanD += returns[i] - values[i];
    }
    meanR /= n;
    meanD /= n;
    double varR = 0;
    double varD = 0;
    for (int i = 0; i < n; i++) {
      varR += (returns[i] - meanR) * (returns[i] - meanR);
      double d = returns[i] - values[i] - meanD;
      varD += d * d;
    }
    return varR == 0 ? Double.NaN : 1 - varD / varR;
  }
}

package dev.ratchet.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.policy.Adam;
import dev.ratchet.trainer.policy.Policies;
import dev.ratchet.trainer.policy.Policy;
import dev.ratchet.trainer.policy.PolicyState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A PPO agent and its vectorized environment: collects a rollout with one batched forward pass per
 * step (each step's NDArrays in a sub-manager closed at once), then runs the update. Its whole
 * state (parameters, Adam, generators, environments, counters, recurrent state) can be written and
 * read back exactly.
 */
public final class PpoAgent implements AutoCloseable {

  private final VecEnv envs;
  private final Policy policy;
  private final PolicyState policyState;
  private final Adam adam;
  private final PpoLearner learner;
  private final NDManager root;
  private final Rng rng;
  private final float[] obsNow;
  private final float[] rewards;
  private final boolean[] dones;
  private final int[] actions;
  private Rollout rollout;
  private long episodes;
  private long envSteps;
  private long updates;

  /** Creates a fresh agent; everything random derives from {@code seed}. */
  public PpoAgent(VecEnv envs, ModelSpec model, long seed, NDManager manager) {
    this.envs = envs;
    this.root = manager.newSubManager();
    Rng seedRng = new Rng(seed ^ 0x5DEECE66DL);
    this.policy = Policies.create(model, envs.obsDim(), envs.actions(), seedRng.split());
    this.policyState = new PolicyState(envs.numEnvs(), policy.stateSize());
    this.rng = seedRng.split();
    this.adam = new Adam(policy.parameters(), 1e-5);
    this.learner = new PpoLearner(policy, adam, root);
    this.obsNow = new float[envs.numEnvs() * envs.obsDim()];
    this.rewards = new float[envs.numEnvs()];
    this.dones = new boolean[envs.numEnvs()];
    this.actions = new int[envs.numEnvs()];
    envs.observe(obsNow);
  }

  public Policy policy() {
    return policy;
  }

  public Adam adam() {
    return adam;
  }

  public long episodes() {
    return episodes;
  }

  public long envSteps() {
    return envSteps;
  }

  public long updates() {
    return updates;
  }

  /** Collects {@code ppo.rolloutSteps} steps from every env; returns the episodes that ended. */
  public List<VecEnv.Episode> collect(PpoSpec ppo) {
    int n = envs.numEnvs();
    int obsDim = envs.obsDim();
    int a = envs.actions();
    if (rollout == null || rollout.steps != ppo.rolloutSteps) {
      rollout = new Rollout(ppo.rolloutSteps, n, obsDim, policyState.size());
    }
    policyState.copyTo(rollout.initialState);
    int stride = a + 1 + policyState.size();
    List<VecEnv.Episode> finished = new ArrayList<>();
    NDArray[] params = learner.inferenceParameters();
    for (int t = 0; t < ppo.rolloutSteps; t++) {
      float[] out = forward(params);
      int base = t * n;
      System.arraycopy(obsNow, 0, rollout.obs, base * obsDim, n * obsDim);
      for (int e = 0; e < n; e++) {
        int o = e * stride;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < a; k++) {
          max = Math.max(max, out[o + k]);
        }
        double z = 0;
        for (int k = 0; k < a; k++) {
          z += Math.exp(out[o + k] - max);
        }
        double u = rng.nextDouble() * z;
        int act = a - 1;
        double acc = 0;
        for (int k = 0; k < a; k++) {
          acc += Math.exp(out[o + k] - max);
          if (u < acc) {
            act = k;
            break;
          }
        }
        actions[e] = act;
        rollout.actions[base + e] = act;
        rollout.logProbs[base + e] = (float) (out[o + act] - max - Math.log(z));
        rollout.values[base + e] = out[o + a];
      }
      policyState.advance(out, stride, a + 1);
      List<VecEnv.Episode> ended = envs.step(actions, rewards, dones);
      policyState.reset(dones);
      System.arraycopy(rewards, 0, rollout.rewards, base, n);
      System.arraycopy(dones, 0, rollout.dones, base, n);
      envs.observe(obsNow);
      envSteps += n;
      episodes += ended.size();
      finished.addAll(ended);
    }
    float[] out = forward(params);
    float[] last = new float[n];
    for (int e = 0; e < n; e++) {
      last[e] = out[e * stride + a];
    }
    rollout.computeGae(last, ppo.gamma, ppo.gaeLambda);
    return finished;
  }

  /**
   * Plays evaluation episodes with the current parameters on {@code env}, an environment of the
   * evaluation's own; the agent's environments, recurrent state and generators are not touched, so
   * training goes on exactly as without it.
   */
  public EvaluationResult evaluate(VecEnv env, int episodes, boolean deterministic, long seed) {
    return new Evaluator(policy, root)
        .run(learner.inferenceParameters(), env, episodes, deterministic, seed, this.episodes);
  }

  /** The last collected rollout (tests inject faults into it). */
  Rollout rollout() {
    return rollout;
  }

  /** Runs the PPO update on the last collected rollout. */
  public UpdateStats update(PpoSpec ppo, double lr, double clip) {
    UpdateStats stats = learner.update(rollout, ppo, lr, clip, rng);
    updates++;
    return stats;
  }

  private float[] forward(NDArray[] params) {
    // Every per-step NDArray lives in this sub-manager and is freed before the next step.
    try (NDManager step = root.newSubManager()) {
      NDArray obs = step.create(obsNow, new Shape(envs.numEnvs(), envs.obsDim()));
      return policy.step(params, obs, policyState.toArray(step)).toFloatArray();
    }
  }

  /** Writes the model parameters. */
  public void writeParameters(DataOutputStream out) throws IOException {
    policy.parameters().write(out);
  }

  /** Writes the Adam moments and step. */
  public void writeOptimizer(DataOutputStream out) throws IOException {
    adam.write(out);
  }

  /** Writes generators, environments and counters. */
  public void writeState(DataOutputStream out) throws IOException {
    out.writeLong(rng.state());
    out.writeLong(episodes);
    out.writeLong(envSteps);
    out.writeLong(updates);
    envs.writeState(out);
    for (float x : obsNow) {
      out.writeInt(Float.floatToRawIntBits(x));
    }
    policyState.write(out);
  }

  /**
   * Takes only the parameters {@link #writeParameters} wrote (a warm start): the optimizer,
   * generators, environments and counters stay those of this fresh agent.
   */
  public void readParameters(DataInputStream parameters) throws IOException {
    policy.parameters().read(parameters);
    if (!policy.parameters().allFinite()) {
      throw new IOException("checkpoint parameters are not finite");
    }
    learner.refreshParameters();
  }

  /** Restores what the three write methods wrote. */
  public void read(DataInputStream parameters, DataInputStream optimizer, DataInputStream state)
      throws IOException {
    policy.parameters().read(parameters);
    if (!policy.parameters().allFinite()) {
      throw new IOException("checkpoint parameters are not finite");
    }
    adam.read(optimizer);
    rng.setState(state.readLong());
    episodes = state.readLong();
    envSteps = state.readLong();
    updates = state.readLong();
    envs.readState(state);
    for (int i = 0; i < obsNow.length; i++) {
      obsNow[i] = Float.intBitsToFloat(state.readInt());
    }
    envs.afterRestore(obsNow);
    policyState.read(state);
    learner.refreshParameters();
  }

  @Override
  public void close() {
    learner.close();
    root.close();
    envs.close();
  }
}

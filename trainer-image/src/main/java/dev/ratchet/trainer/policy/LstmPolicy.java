package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ratchet.trainer.rl.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recurrent actor-critic: per tower a tanh MLP encoder and one LSTM layer of width H, then the
 * policy head on the actor's output and the value head on the critic's. The actor and the critic
 * are separate towers unless the model asks for a shared network: a shared recurrent trunk learns
 * mostly to predict returns when they run to the hundreds, since the value loss's gradient dwarfs
 * the policy's (intercept did not learn that way). The state of each env is (h, c) per tower, 2H
 * floats each, reset to zero when its episode ends; training replays whole env sequences from their
 * stored initial state (truncated BPTT over the rollout).
 *
 * <p>The recurrence runs in PyTorch's fused LSTM kernel, in training once per tower over every
 * stretch of the minibatch's sequences between episode resets at once: a step-by-step loop of
 * elementwise ops cost a dozen engine calls per time step and made the LSTM ten times slower than
 * the MLP.
 */
public final class LstmPolicy implements Policy {

  private final int obsDim;
  private final int actions;
  private final int depth;
  private final int width;
  private final int towers;
  private final ParameterSet params;
  private final int heads;

  public LstmPolicy(
      int obsDim, int actions, List<Integer> hidden, int lstmHidden, boolean shared, Rng initRng) {
    this.obsDim = obsDim;
    this.actions = actions;
    this.depth = hidden.size();
    this.width = lstmHidden;
    this.towers = shared ? 1 : 2;
    ParameterPlan plan = new ParameterPlan();
    for (String tower : shared ? List.of("trunk") : List.of("actor", "critic")) {
      plan.tanhLayers(tower + ".encoder", obsDim, hidden);
      int in = hidden.get(depth - 1);
      // PyTorch's layout: weights (4H, in) and (4H, H), gates in the order input, forget, cell,
      // output.
      plan.matrix(tower + ".lstm.weight_ih", 4 * width, in, 1.0);
      plan.matrix(tower + ".lstm.weight_hh", 4 * width, width, 1.0);
      float[] bias = new float[4 * width];
      // Forget-gate bias 1: the cell keeps its memory at first (Jozefowicz et al., 2015).
      Arrays.fill(bias, width, 2 * width, 1f);
      plan.vector(tower + ".lstm.bias_ih", bias);
      plan.vector(tower + ".lstm.bias_hh", new float[4 * width]);
    }
    heads = plan.linear("pi", width, actions, 0.01);
    plan.linear("v", width, 1, 1.0);
    params = plan.build(initRng);
  }

  @Override
  public ParameterSet parameters() {
    return params;
  }

  @Override
  public int obsDim() {
    return obsDim;
  }

  @Override
  public int actions() {
    return actions;
  }

  @Override
  public int stateSize() {
    return towers * 2 * width;
  }

  @Override
  public NDArray step(NDArray[] p, NDArray obs, NDArray state) {
    long n = obs.getShape().get(0);
    NDList parts = new NDList();
    NDArray[] outputs = new NDArray[towers];
    for (int k = 0; k < towers; k++) {
      int offset = 2 * width * k;
      NDArray x = encode(p, k, obs).reshape(1, n, -1);
      NDArray h = state.get(":, " + offset + ":" + (offset + width)).reshape(1, n, width);
      NDArray c =
          state.get(":, " + (offset + width) + ":" + (offset + 2 * width)).reshape(1, n, width);
      NDList out = run(p, k, x, h, c);
      outputs[k] = out.get(1).reshape(n, width);
      parts.add(outputs[k]);
      parts.add(out.get(2).reshape(n, width));
    }
    NDArray actor = outputs[0];
    NDArray critic = outputs[towers - 1];
    NDList all = new NDList(actor.matMul(p[heads]).add(p[heads + 1]), value(p, critic));
    all.addAll(parts);
    return NDArrays.concat(all, 1);
  }

  @Override
  public Evaluation evaluate(NDArray[] p, NDArray obs, Sequences seq) {
    if (seq == null) {
      throw new IllegalArgumentException("a recurrent policy trains on sequences");
    }
    NDManager m = obs.getManager();
    Stretches stretches = Stretches.of(seq);
    int count = stretches.count();
    NDArray in = m.create(stretches.inputRows());
    NDArray back = m.create(stretches.outputRows());
    NDArray[] outputs = new NDArray[towers];
    for (int k = 0; k < towers; k++) {
      // All stretches side by side, padded at their ends: one kernel call per tower.
      NDArray x = encode(p, k, obs).get(in).reshape(stretches.length(), count, -1);
      Shape state = new Shape(1, count, width);
      NDArray h = m.create(stretches.initial(seq, 2 * width * k, width), state);
      NDArray c = m.create(stretches.initial(seq, 2 * width * k + width, width), state);
      NDArray all = run(p, k, x, h, c).get(0).reshape((long) stretches.length() * count, width);
      outputs[k] = all.get(back);
    }
    NDArray logits = outputs[0].matMul(p[heads]).add(p[heads + 1]);
    NDArray value = value(p, outputs[towers - 1]).squeeze(1);
    return new Evaluation(logits, value, null, null);
  }

  /**
   * The stretches of a minibatch's sequences between episode resets, laid side by side for one LSTM
   * call: {@code length} time steps × {@code count} stretches, shorter ones padded at the end (the
   * LSTM is causal, so padding after a stretch never changes its outputs).
   *
   * @param env the sequence each stretch belongs to
   * @param start its first time step
   * @param size its number of steps
   */
  private record Stretches(
      int steps, int sequences, int[] env, int[] start, int[] size, int length) {

    static Stretches of(Sequences seq) {
      int n = seq.count();
      List<int[]> found = new ArrayList<>();
      int longest = 0;
      for (int j = 0; j < n; j++) {
        int from = 0;
        for (int t = 1; t <= seq.steps(); t++) {
          if (t == seq.steps() || seq.keep()[t * n + j] == 0f) {
            found.add(new int[] {j, from, t - from});
            longest = Math.max(longest, t - from);
            from = t;
          }
        }
      }
      int[] env = new int[found.size()];
      int[] start = new int[found.size()];
      int[] size = new int[found.size()];
      for (int s = 0; s < found.size(); s++) {
        env[s] = found.get(s)[0];
        start[s] = found.get(s)[1];
        size[s] = found.get(s)[2];
      }
      return new Stretches(seq.steps(), n, env, start, size, longest);
    }

    int count() {
      return env.length;
    }

    /** For each padded slot (l, s), l-major, the t-major sample it reads (padding reads 0). */
    long[] inputRows() {
      long[] rows = new long[length * count()];
      for (int s = 0; s < count(); s++) {
        for (int l = 0; l < size[s]; l++) {
          rows[l * count() + s] = (long) (start[s] + l) * sequences + env[s];
        }
      }
      return rows;
    }

    /** For each t-major sample, the padded slot that holds its output. */
    long[] outputRows() {
      long[] rows = new long[steps * sequences];
      for (int s = 0; s < count(); s++) {
        for (int l = 0; l < size[s]; l++) {
          rows[(start[s] + l) * sequences + env[s]] = (long) l * count() + s;
        }
      }
      return rows;
    }

    /**
     * Each stretch's starting values of {@code floats} state floats from {@code offset}: the stored
     * initial state for a sequence's first stretch, zero after a reset.
     */
    float[] initial(Sequences seq, int offset, int floats) {
      int stateSize = seq.initialState().length / sequences;
      float[] out = new float[count() * floats];
      for (int s = 0; s < count(); s++) {
        if (start[s] == 0) {
          System.arraycopy(
              seq.initialState(), env[s] * stateSize + offset, out, s * floats, floats);
        }
      }
      return out;
    }
  }

  private NDArray value(NDArray[] p, NDArray critic) {
    return critic.matMul(p[heads + 2]).add(p[heads + 3]);
  }

  /** Index of tower {@code k}'s first parameter. */
  private int tower(int k) {
    return k * (2 * depth + 4);
  }

  private NDArray encode(NDArray[] p, int k, NDArray obs) {
    return TanhLayers.apply(p, tower(k), depth, obs);
  }

  /**
   * Tower {@code k}'s LSTM over {@code input} (T × N × in) from (h, c), each 1 × N × H: returns
   * (outputs, h_T, c_T).
   */
  private NDList run(NDArray[] p, int k, NDArray input, NDArray h, NDArray c) {
    int w = tower(k) + 2 * depth;
    return input
        .getNDArrayInternal()
        .lstm(
            input,
            new NDList(h, c),
            new NDList(p[w], p[w + 1], p[w + 2], p[w + 3]),
            true,
            1,
            0.0,
            false,
            false,
            false);
  }
}

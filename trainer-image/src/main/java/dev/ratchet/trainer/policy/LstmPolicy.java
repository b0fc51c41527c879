package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.ratchet.trainer.rl.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Recurrent actor-critic: a tanh MLP encoder, one LSTM cell of width H, then the policy and value
 * heads. The state (h, c) of each env is 2H floats, reset to zero when its episode ends; training
 * replays whole env sequences from their stored initial state (truncated BPTT over the rollout).
 */
public final class LstmPolicy implements Policy {

  private final int obsDim;
  private final int actions;
  private final int depth;
  private final int width;
  private final ParameterSet params;
  private final int cell;
  private final int heads;

  public LstmPolicy(int obsDim, int actions, List<Integer> hidden, int lstmHidden, Rng initRng) {
    this.obsDim = obsDim;
    this.actions = actions;
    this.depth = hidden.size();
    this.width = lstmHidden;
    ParameterPlan plan = new ParameterPlan();
    int in = obsDim;
    for (int l = 0; l < depth; l++) {
      plan.linear("encoder." + l, in, hidden.get(l), Math.sqrt(2));
      in = hidden.get(l);
    }
    // Gates in the order input, forget, cell, output, as PyTorch lays them out.
    cell = plan.matrix("lstm.ih.weight", in, 4 * width, 1.0);
    plan.matrix("lstm.hh.weight", width, 4 * width, 1.0);
    float[] bias = new float[4 * width];
    // Forget-gate bias 1: the cell keeps its memory at first (Jozefowicz et al., 2015).
    java.util.Arrays.fill(bias, width, 2 * width, 1f);
    plan.vector("lstm.bias", bias);
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
    return 2 * width;
  }

  @Override
  public NDArray step(NDArray[] p, NDArray obs, NDArray state) {
    NDArray gatesIn = encode(p, obs).matMul(p[cell]).add(p[cell + 2]);
    NDArray h = state.get(":, 0:" + width);
    NDArray c = state.get(":, " + width + ":");
    NDArray[] next = cellStep(p, gatesIn, h, c);
    return NDArrays.concat(
        new NDList(
            next[0].matMul(p[heads]).add(p[heads + 1]),
            next[0].matMul(p[heads + 2]).add(p[heads + 3]),
            next[0],
            next[1]),
        1);
  }

  @Override
  public Evaluation evaluate(NDArray[] p, NDArray obs, Sequences seq) {
    if (seq == null) {
      throw new IllegalArgumentException("a recurrent policy trains on sequences");
    }
    NDManager m = obs.getManager();
    int n = seq.count();
    NDArray gatesIn =
        encode(p, obs).matMul(p[cell]).add(p[cell + 2]).reshape(seq.steps(), n, 4L * width);
    NDArray keep = m.create(seq.keep(), new Shape(seq.steps(), n, 1));
    NDArray state = m.create(seq.initialState(), new Shape(n, 2L * width));
    NDArray h = state.get(":, 0:" + width);
    NDArray c = state.get(":, " + width + ":");
    List<NDArray> outputs = new ArrayList<>(seq.steps());
    for (int t = 0; t < seq.steps(); t++) {
      NDArray k = keep.get(t);
      NDArray[] next = cellStep(p, gatesIn.get(t), h.mul(k), c.mul(k));
      h = next[0];
      c = next[1];
      outputs.add(h);
    }
    NDArray hs = NDArrays.concat(new NDList(outputs), 0);
    NDArray logits = hs.matMul(p[heads]).add(p[heads + 1]);
    NDArray value = hs.matMul(p[heads + 2]).add(p[heads + 3]).squeeze(1);
    return new Evaluation(logits, value, null, null);
  }

  private NDArray encode(NDArray[] p, NDArray obs) {
    NDArray x = obs;
    for (int l = 0; l < depth; l++) {
      x = x.matMul(p[2 * l]).add(p[2 * l + 1]).tanh();
    }
    return x;
  }

  /** One LSTM step from precomputed input gates; returns the next h and c. */
  private NDArray[] cellStep(NDArray[] p, NDArray gatesIn, NDArray h, NDArray c) {
    NDList g = gatesIn.add(h.matMul(p[cell + 1])).split(4, 1);
    NDArray i = Activation.sigmoid(g.get(0));
    NDArray f = Activation.sigmoid(g.get(1));
    NDArray cand = g.get(2).tanh();
    NDArray o = Activation.sigmoid(g.get(3));
    NDArray cNext = f.mul(c).add(i.mul(cand));
    NDArray hNext = o.mul(cNext.tanh());
    return new NDArray[] {hNext, cNext};
  }
}

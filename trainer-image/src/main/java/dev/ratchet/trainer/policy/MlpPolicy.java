package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ratchet.trainer.rl.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Tanh MLP actor-critic for discrete actions, separate or with a shared trunk; orthogonal init with
 * gain √2 for hidden layers, 0.01 for the policy head and 1 for the value head.
 */
public final class MlpPolicy implements Policy {

  private final int obsDim;
  private final int actions;
  private final boolean shared;
  private final int depth;
  private final ParameterSet params;

  public MlpPolicy(int obsDim, int actions, List<Integer> hidden, boolean shared, Rng initRng) {
    this.obsDim = obsDim;
    this.actions = actions;
    this.shared = shared;
    this.depth = hidden.size();
    List<String> names = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    List<Double> gains = new ArrayList<>();
    for (String tower : shared ? List.of("trunk") : List.of("actor", "critic")) {
      int in = obsDim;
      for (int l = 0; l < hidden.size(); l++) {
        addLayer(names, shapes, gains, tower + "." + l, in, hidden.get(l), Math.sqrt(2));
        in = hidden.get(l);
      }
    }
    int last = hidden.get(hidden.size() - 1);
    addLayer(names, shapes, gains, "pi", last, actions, 0.01);
    addLayer(names, shapes, gains, "v", last, 1, 1.0);
    params = new ParameterSet(names, shapes);
    for (int i = 0; i < params.size(); i += 2) {
      Shape s = params.shape(i);
      Orthogonal.fill(params.values(i), (int) s.get(0), (int) s.get(1), gains.get(i / 2), initRng);
      // Biases stay zero.
    }
  }

  private static void addLayer(
      List<String> names,
      List<Shape> shapes,
      List<Double> gains,
      String name,
      int in,
      int out,
      double gain) {
    names.add(name + ".weight");
    shapes.add(new Shape(in, out));
    names.add(name + ".bias");
    shapes.add(new Shape(out));
    gains.add(gain);
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
  public NDArray step(NDArray[] p, NDArray obs, NDArray state) {
    return forward(p, obs);
  }

  @Override
  public Evaluation evaluate(NDArray[] p, NDArray obs, Sequences seq) {
    NDArray[] heads = heads(p, obs);
    return new Evaluation(heads[0], heads[1].squeeze(1), null, null);
  }

  /**
   * One batched forward pass.
   *
   * @param p the materialized parameters, in {@link #parameters()} order
   * @param obs batch × obsDim
   * @return batch × (actions + 1): the logits, then the value
   */
  public NDArray forward(NDArray[] p, NDArray obs) {
    NDArray[] heads = heads(p, obs);
    return heads[0].concat(heads[1], 1);
  }

  /** The logits (batch × actions) and the value (batch × 1). */
  private NDArray[] heads(NDArray[] p, NDArray obs) {
    NDArray logits;
    NDArray value;
    int head = shared ? 2 * depth : 4 * depth;
    if (shared) {
      NDArray h = TanhLayers.apply(p, 0, depth, obs);
      logits = h.matMul(p[head]).add(p[head + 1]);
      value = h.matMul(p[head + 2]).add(p[head + 3]);
    } else {
      logits = TanhLayers.apply(p, 0, depth, obs).matMul(p[head]).add(p[head + 1]);
      value = TanhLayers.apply(p, 2 * depth, depth, obs).matMul(p[head + 2]).add(p[head + 3]);
    }
    return new NDArray[] {logits, value};
  }
}

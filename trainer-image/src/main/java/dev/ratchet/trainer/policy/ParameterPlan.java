package dev.ratchet.trainer.policy;

import ai.djl.ndarray.types.Shape;
import dev.ratchet.trainer.rl.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a network's parameters with their initialization, then builds the {@link ParameterSet}:
 * orthogonal weights drawn in listing order, biases zero unless given.
 */
final class ParameterPlan {

  private final List<String> names = new ArrayList<>();
  private final List<Shape> shapes = new ArrayList<>();
  private final List<Init> inits = new ArrayList<>();

  /** A dense layer {@code in → out}: weight (in, out) and bias (out); returns the weight index. */
  int linear(String name, int in, int out, double gain) {
    int index = add(name + ".weight", new Shape(in, out), new Init(1, in, out, gain, null));
    add(name + ".bias", new Shape(out), new Init(0, 0, 0, 0, null));
    return index;
  }

  /**
   * Tanh hidden layers {@code name.0}, {@code name.1}, … of the given widths from {@code in}, each
   * with gain √2; returns the first weight index.
   */
  int tanhLayers(String name, int in, List<Integer> widths) {
    int first = -1;
    for (int l = 0; l < widths.size(); l++) {
      int index = linear(name + "." + l, in, widths.get(l), Math.sqrt(2));
      first = l == 0 ? index : first;
      in = widths.get(l);
    }
    return first;
  }

  /**
   * {@code count} dense layers stacked for one batched matmul: weight (count, in, out), each slice
   * orthogonal on its own, and bias (count, 1, out); returns the weight index.
   */
  int stacked(String name, int count, int in, int out, double gain) {
    int index =
        add(name + ".weight", new Shape(count, in, out), new Init(count, in, out, gain, null));
    add(name + ".bias", new Shape(count, 1, out), new Init(0, 0, 0, 0, null));
    return index;
  }

  /** A weight matrix without bias; returns its index. */
  int matrix(String name, int in, int out, double gain) {
    return add(name, new Shape(in, out), new Init(1, in, out, gain, null));
  }

  /** A bias vector with given initial values; returns its index. */
  int vector(String name, float[] values) {
    return add(name, new Shape(values.length), new Init(0, 0, 0, 0, values.clone()));
  }

  private int add(String name, Shape shape, Init init) {
    names.add(name);
    shapes.add(shape);
    inits.add(init);
    return names.size() - 1;
  }

  ParameterSet build(Rng rng) {
    ParameterSet params = new ParameterSet(names, shapes);
    for (int i = 0; i < inits.size(); i++) {
      Init init = inits.get(i);
      float[] v = params.values(i);
      if (init.values() != null) {
        System.arraycopy(init.values(), 0, v, 0, v.length);
      }
      for (int s = 0; s < init.slices(); s++) {
        int size = init.rows() * init.cols();
        Orthogonal.fill(v, s * size, init.rows(), init.cols(), init.gain(), rng);
      }
    }
    return params;
  }

  /** How one parameter starts: {@code slices} orthogonal matrices, or fixed values, or zeros. */
  private record Init(int slices, int rows, int cols, double gain, float[] values) {}
}

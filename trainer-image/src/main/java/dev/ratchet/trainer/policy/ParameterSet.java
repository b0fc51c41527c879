package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The master copy of a network's parameters in plain Java arrays. The optimizer, checkpoints and
 * the non-finite guard work on these; NDArray copies are made for the engine after each update.
 */
public final class ParameterSet {

  private final List<String> names;
  private final List<Shape> shapes;
  private final float[][] values;

  public ParameterSet(List<String> names, List<Shape> shapes) {
    this.names = List.copyOf(names);
    this.shapes = List.copyOf(shapes);
    this.values = new float[shapes.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new float[Math.toIntExact(shapes.get(i).size())];
    }
  }

  public int size() {
    return values.length;
  }

  public String name(int i) {
    return names.get(i);
  }

  public Shape shape(int i) {
    return shapes.get(i);
  }

  /** The live array of parameter {@code i}; callers update it in place. */
  public float[] values(int i) {
    return values[i];
  }

  /** Total number of scalars. */
  public long count() {
    long n = 0;
    for (float[] v : values) {
      n += v.length;
    }
    return n;
  }

  /** NDArray copies in {@code manager}, optionally marked to receive gradients. */
  public NDArray[] materialize(NDManager manager, boolean withGradients) {
    NDArray[] out = new NDArray[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = manager.create(values[i], shapes.get(i));
      if (withGradients) {
        out[i].setRequiresGradient(true);
      }
    }
    return out;
  }

  /** Whether every value is finite. */
  public boolean allFinite() {
    for (float[] v : values) {
      for (float x : v) {
        if (!Float.isFinite(x)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A deep copy of the values. */
  public float[][] snapshot() {
    float[][] copy = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i].clone();
    }
    return copy;
  }

  /** Writes names, shapes and raw float bits, so a load is bitwise exact. */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(values.length);
    for (int i = 0; i < values.length; i++) {
      out.writeUTF(names.get(i));
      writeFloats(out, values[i]);
    }
  }

  /** Reads what {@link #write} wrote, refusing a different architecture. */
  public void read(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != values.length) {
      throw new IOException("checkpoint has " + n + " parameters, the model has " + values.length);
    }
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      if (!name.equals(names.get(i))) {
        throw new IOException(
            "checkpoint parameter " + name + " where the model has " + names.get(i));
      }
      readFloats(in, values[i], name);
    }
  }

  static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) {
      out.writeInt(Float.floatToRawIntBits(x));
    }
  }

  static void readFloats(DataInputStream in, float[] into, String what) throws IOException {
    int len = in.readInt();
    if (len != into.length) {
      throw new IOException(what + ": checkpoint has " + len + " values, expected " + into.length);
    }
    for (int k = 0; k < len; k++) {
      into[k] = Float.intBitsToFloat(in.readInt());
    }
  }
}

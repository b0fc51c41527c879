package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The live recurrent state of every env (h and c for an LSTM) in a Java array: carried from step to
 * step, zeroed when an env's episode ends, saved in checkpoints so a resume is exact. Empty, and
 * written as nothing, for feed-forward policies.
 */
public final class PolicyState {

  private final int envs;
  private final int size;
  private final float[] values;

  public PolicyState(int envs, int size) {
    this.envs = envs;
    this.size = size;
    this.values = new float[envs * size];
  }

  public int size() {
    return size;
  }

  /** An engine copy (envs × size) in {@code manager}, or null when there is no state. */
  public NDArray toArray(NDManager manager) {
    return size == 0 ? null : manager.create(values, new Shape(envs, size));
  }

  /** Takes each env's next state from a step output row of {@code stride} floats at {@code at}. */
  public void advance(float[] out, int stride, int at) {
    for (int e = 0; e < envs; e++) {
      System.arraycopy(out, e * stride + at, values, e * size, size);
    }
  }

  /** Zeroes the state of every env whose episode just ended. */
  public void reset(boolean[] dones) {
    for (int e = 0; e < envs; e++) {
      if (dones[e]) {
        java.util.Arrays.fill(values, e * size, (e + 1) * size, 0f);
      }
    }
  }

  /** Copies the whole state into {@code dst} (envs × size). */
  public void copyTo(float[] dst) {
    System.arraycopy(values, 0, dst, 0, values.length);
  }

  /** Writes the state as raw bits (nothing when there is none, so older checkpoints still load). */
  public void write(DataOutputStream out) throws IOException {
    if (size > 0) {
      out.writeInt(envs);
      ParameterSet.writeFloats(out, values);
    }
  }

  /** Reads what {@link #write} wrote. */
  public void read(DataInputStream in) throws IOException {
    if (size > 0) {
      int n = in.readInt();
      if (n != envs) {
        throw new IOException("checkpoint has recurrent state for " + n + " envs, not " + envs);
      }
      ParameterSet.readFloats(in, values, "recurrent state");
    }
  }
}

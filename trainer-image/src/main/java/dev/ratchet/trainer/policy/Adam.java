package dev.ratchet.trainer.policy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Adam over a {@link ParameterSet}, in Java so its moments and step can be saved and restored
 * bitwise; the update follows PyTorch's formula in float32 (bias corrections folded into the step
 * size).
 */
public final class Adam {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;

  private final double eps;
  private float[][] m;
  private float[][] v;
  // A step is computed here first and kept only if every parameter stays finite.
  private float[][] mNext;
  private float[][] vNext;
  private final float[][] pNext;
  private long step;
  private int rejectedParameter = -1;

  public Adam(ParameterSet params, double eps) {
    this.eps = eps;
    m = zerosLike(params);
    v = zerosLike(params);
    mNext = zerosLike(params);
    vNext = zerosLike(params);
    pNext = zerosLike(params);
  }

  private static float[][] zerosLike(ParameterSet params) {
    float[][] a = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      a[i] = new float[params.values(i).length];
    }
    return a;
  }

  public long step() {
    return step;
  }

  /**
   * Applies one step with gradients {@code grads} (already clipped) at learning rate {@code lr},
   * unless it would make a parameter non-finite: then nothing changes, neither the parameters nor
   * the moments nor the step count, so a rejected step leaves no trace in a checkpoint.
   *
   * @return whether the step was applied
   */
  public boolean update(ParameterSet params, float[][] grads, double lr) {
    long next = step + 1;
    // Float32 throughout, as torch.optim.Adam computes it: this loop runs once per minibatch and
    // in double precision it took a tenth of an rl-zoo update.
    float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(BETA2, next));
    float stepSize = (float) (lr / (1 - Math.pow(BETA1, next)));
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float oneMinusB1 = (float) (1 - BETA1);
    float oneMinusB2 = (float) (1 - BETA2);
    float epsilon = (float) eps;
    boolean finite = true;
    for (int i = 0; i < grads.length; i++) {
      float[] p = params.values(i);
      float[] g = grads[i];
      float[] mi = m[i];
      float[] vi = v[i];
      float[] mo = mNext[i];
      float[] vo = vNext[i];
      float[] po = pNext[i];
      for (int k = 0; k < p.length; k++) {
        float gk = g[k];
        float mk = b1 * mi[k] + oneMinusB1 * gk;
        float vk = b2 * vi[k] + oneMinusB2 * gk * gk;
        mo[k] = mk;
        vo[k] = vk;
        float pk = p[k] - stepSize * mk / ((float) Math.sqrt(vk) / bias2Sqrt + epsilon);
        po[k] = pk;
        finite &= Float.isFinite(pk);
      }
    }
    if (!finite) {
      rejectedParameter = firstNonFinite(pNext);
      return false;
    }
    step = next;
    float[][] swap = m;
    m = mNext;
    mNext = swap;
    swap = v;
    v = vNext;
    vNext = swap;
    for (int i = 0; i < grads.length; i++) {
      System.arraycopy(pNext[i], 0, params.values(i), 0, pNext[i].length);
    }
    return true;
  }

  /** Index of the first parameter the last rejected step made non-finite, or -1. */
  public int rejectedParameter() {
    return rejectedParameter;
  }

  private static int firstNonFinite(float[][] values) {
    for (int i = 0; i < values.length; i++) {
      for (float x : values[i]) {
        if (!Float.isFinite(x)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Writes moments and step as raw bits. */
  public void write(DataOutputStream out) throws IOException {
    out.writeLong(step);
    out.writeInt(m.length);
    for (int i = 0; i < m.length; i++) {
      ParameterSet.writeFloats(out, m[i]);
      ParameterSet.writeFloats(out, v[i]);
    }
  }

  /** Reads what {@link #write} wrote. */
  public void read(DataInputStream in) throws IOException {
    step = in.readLong();
    int n = in.readInt();
    if (n != m.length) {
      throw new IOException("optimizer state has " + n + " tensors, the model has " + m.length);
    }
    for (int i = 0; i < n; i++) {
      ParameterSet.readFloats(in, m[i], "adam.m" + i);
      ParameterSet.readFloats(in, v[i], "adam.v" + i);
    }
  }

  /** Deep copies of the moments, for equality checks in tests. */
  public float[][] moments() {
    float[][] out = new float[2 * m.length][];
    for (int i = 0; i < m.length; i++) {
      out[2 * i] = m[i].clone();
      out[2 * i + 1] = v[i].clone();
    }
    return out;
  }
}

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
  private final float[][] m;
  private final float[][] v;
  private long step;

  public Adam(ParameterSet params, double eps) {
    this.eps = eps;
    m = new float[params.size()][];
    v = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      m[i] = new float[params.values(i).length];
      v[i] = new float[params.values(i).length];
    }
  }

  public long step() {
    return step;
  }

  /**
   * Applies one step with gradients {@code grads} (already clipped) at learning rate {@code lr}.
   */
  public void update(ParameterSet params, float[][] grads, double lr) {
    step++;
    // Float32 throughout, as torch.optim.Adam computes it: this loop runs once per minibatch and
    // in double precision it took a tenth of an rl-zoo update.
    float bias2Sqrt = (float) Math.sqrt(1 - Math.pow(BETA2, step));
    float stepSize = (float) (lr / (1 - Math.pow(BETA1, step)));
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float oneMinusB1 = (float) (1 - BETA1);
    float oneMinusB2 = (float) (1 - BETA2);
    float epsilon = (float) eps;
    for (int i = 0; i < grads.length; i++) {
      float[] p = params.values(i);
      float[] g = grads[i];
      float[] mi = m[i];
      float[] vi = v[i];
      for (int k = 0; k < p.length; k++) {
        float gk = g[k];
        float mk = b1 * mi[k] + oneMinusB1 * gk;
        float vk = b2 * vi[k] + oneMinusB2 * gk * gk;
        mi[k] = mk;
        vi[k] = vk;
        p[k] -= stepSize * mk / ((float) Math.sqrt(vk) / bias2Sqrt + epsilon);
      }
    }
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

package dev.ratchet.trainer.policy;

import dev.ratchet.trainer.rl.Rng;

/** Orthogonal weight initialization (Saxe et al.), as PyTorch's {@code orthogonal_} does it. */
final class Orthogonal {

  private Orthogonal() {}

  /**
   * Fills a row-major {@code rows × cols} matrix with a scaled (semi-)orthogonal one: orthonormal
   * columns when rows ≥ cols, orthonormal rows otherwise.
   */
  static void fill(float[] w, int rows, int cols, double gain, Rng rng) {
    fill(w, 0, rows, cols, gain, rng);
  }

  /** As {@link #fill(float[], int, int, double, Rng)}, into {@code w} from {@code offset}. */
  static void fill(float[] w, int offset, int rows, int cols, double gain, Rng rng) {
    boolean byColumns = rows >= cols;
    int vectors = byColumns ? cols : rows;
    int length = byColumns ? rows : cols;
    double[][] q = new double[vectors][length];
    for (int v = 0; v < vectors; v++) {
      for (int k = 0; k < length; k++) {
        q[v][k] = rng.nextGaussian();
      }
      // Modified Gram-Schmidt, twice for numerical orthogonality.
      for (int pass = 0; pass < 2; pass++) {
        for (int u = 0; u < v; u++) {
          double dot = 0;
          for (int k = 0; k < length; k++) {
            dot += q[v][k] * q[u][k];
          }
          for (int k = 0; k < length; k++) {
            q[v][k] -= dot * q[u][k];
          }
        }
      }
      double norm = 0;
      for (int k = 0; k < length; k++) {
        norm += q[v][k] * q[v][k];
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < length; k++) {
        q[v][k] /= norm;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double x = byColumns ? q[c][r] : q[r][c];
        w[offset + r * cols + c] = (float) (gain * x);
      }
    }
  }
}

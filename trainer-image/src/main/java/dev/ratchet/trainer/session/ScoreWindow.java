package dev.ratchet.trainer.session;

import java.util.ArrayDeque;

/**
 * The last {@code size} episodes' scores, per-step rewards and successes (1 or 0), for windowed
 * statistics: columns 0, 1 and 2.
 */
final class ScoreWindow {

  private final int size;
  private final ArrayDeque<double[]> items = new ArrayDeque<>();

  ScoreWindow(int size) {
    this.size = Math.max(1, size);
  }

  void add(double score, double rewardPerStep, boolean success) {
    items.addLast(new double[] {score, rewardPerStep, success ? 1 : 0});
    if (items.size() > size) {
      items.removeFirst();
    }
  }

  int count() {
    return items.size();
  }

  boolean full() {
    return items.size() >= size;
  }

  double mean(int column) {
    return items.stream().mapToDouble(v -> v[column]).average().orElse(Double.NaN);
  }

  /** Population standard deviation of the score. */
  double std() {
    return std(0);
  }

  /** Population standard deviation of a column (0 score, 1 per-step reward, 2 success). */
  double std(int column) {
    double m = mean(column);
    return Math.sqrt(
        items.stream().mapToDouble(v -> (v[column] - m) * (v[column] - m)).average().orElse(0));
  }

  double max() {
    return items.stream().mapToDouble(v -> v[0]).max().orElse(Double.NaN);
  }
}

package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of a report, computed from the surviving lineage of episodes. */
final class ReportStats {

  /** Score buckets of the distribution, lower bounds inclusive; negative scores go first. */
  static final double[] BUCKET_BOUNDS = {0, 10, 20, 50, 100, 300};

  static final List<String> BUCKET_LABELS =
      List.of("<0", "0–10", "10–20", "20–50", "50–100", "100–300", "≥300");

  /**
   * One phase's figures.
   *
   * @param phase phase name
   * @param first first episode played in it
   * @param last last episode played in it
   * @param episodes episodes played in it
   * @param score mean and standard deviation of the score
   * @param reward mean and standard deviation of the mean reward per step
   * @param alphaEntropy mean and standard deviation of the alpha entropy, or null without a router
   * @param maxScore best single episode
   * @param buckets episodes per {@link #BUCKET_LABELS} bucket
   */
  record PhaseStats(
      String phase,
      long first,
      long last,
      int episodes,
      MeanStd score,
      MeanStd reward,
      MeanStd alphaEntropy,
      double maxScore,
      int[] buckets) {}

  /** A mean and a (population) standard deviation. */
  record MeanStd(double mean, double std) {

    static MeanStd of(List<EpisodeRecord> records, ToDoubleFunction<EpisodeRecord> value) {
      double sum = 0;
      for (EpisodeRecord r : records) {
        sum += value.applyAsDouble(r);
      }
      double mean = sum / records.size();
      double squares = 0;
      for (EpisodeRecord r : records) {
        double d = value.applyAsDouble(r) - mean;
        squares += d * d;
      }
      return new MeanStd(mean, Math.sqrt(squares / records.size()));
    }
  }

  /**
   * Mean score of the first and second half of the lineage.
   *
   * @param firstHalf mean score of the first half of the episodes
   * @param secondHalf mean score of the second half
   */
  record Halves(double firstHalf, double secondHalf) {
    double change() {
      return secondHalf - firstHalf;
    }
  }

  private ReportStats() {}

  /** Phases in the order they were trained, with their figures. */
  static List<PhaseStats> phases(List<EpisodeRecord> kept) {
    Map<String, List<EpisodeRecord>> byPhase = new LinkedHashMap<>();
    for (EpisodeRecord r : kept) {
      byPhase.computeIfAbsent(r.phase(), p -> new ArrayList<>()).add(r);
    }
    List<PhaseStats> phases = new ArrayList<>();
    byPhase.forEach(
        (phase, records) -> {
          List<EpisodeRecord> routed =
              records.stream().filter(r -> r.alphaEntropy() != null).toList();
          int[] buckets = new int[BUCKET_LABELS.size()];
          records.forEach(r -> buckets[bucket(r.score())]++);
          phases.add(
              new PhaseStats(
                  phase,
                  records.get(0).episode(),
                  records.get(records.size() - 1).episode(),
                  records.size(),
                  MeanStd.of(records, EpisodeRecord::score),
                  MeanStd.of(records, EpisodeRecord::reward),
                  routed.isEmpty() ? null : MeanStd.of(routed, EpisodeRecord::alphaEntropy),
                  records.stream().mapToDouble(EpisodeRecord::score).max().orElse(Double.NaN),
                  buckets));
        });
    return phases;
  }

  /** The index of the bucket a score falls in. */
  static int bucket(double score) {
    int b = 0;
    while (b < BUCKET_BOUNDS.length && score >= BUCKET_BOUNDS[b]) {
      b++;
    }
    return b;
  }

  /** The ten best episodes, best first (the earlier one first on a tie). */
  static List<EpisodeRecord> top(List<EpisodeRecord> kept, int n) {
    return kept.stream()
        .sorted(
            Comparator.comparingDouble(EpisodeRecord::score)
                .reversed()
                .thenComparingLong(EpisodeRecord::episode))
        .limit(n)
        .toList();
  }

  static Halves halves(List<EpisodeRecord> kept) {
    int mid = kept.size() / 2;
    return new Halves(
        MeanStd.of(kept.subList(0, mid), EpisodeRecord::score).mean(),
        MeanStd.of(kept.subList(mid, kept.size()), EpisodeRecord::score).mean());
  }

  /** The moving-average window: 100 episodes, fewer for short runs so the line still moves. */
  static int window(int episodes) {
    return Math.max(1, Math.min(100, episodes / 20));
  }

  /**
   * The expert usage window: half the score's, since usage is a per-update figure that moves less
   * from episode to episode than a score does.
   */
  static int usageWindow(int episodes) {
    return Math.max(1, window(episodes) / 2);
  }

  /** Trailing moving average of {@code values} over {@code window} points. */
  static double[] movingMean(double[] values, int window) {
    double[] out = new double[values.length];
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += values[i];
      if (i >= window) {
        sum -= values[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }
}

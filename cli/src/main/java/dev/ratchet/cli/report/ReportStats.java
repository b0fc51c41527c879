package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of a report, computed from the surviving lineage of episodes. */
final class ReportStats {

  /** The spec's default divergence window: the fallback when the run's own is not known. */
  static final int DEFAULT_WINDOW = 100;

  /** Bounds on the number of score bins: fewer hides the shape, more makes the table unreadable. */
  static final int MIN_BINS = 10;

  static final int MAX_BINS = 30;

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
   * @param counts episodes per score bin, in the {@link Bins} of the whole lineage
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
      Double successRate,
      int[] counts) {}

  /**
   * The figures of one stretch of {@code every} episodes of the lineage, the table the reports once
   * made by hand every 500 episodes.
   *
   * @param first first episode of the stretch that was played
   * @param last last episode of the stretch that was played
   * @param phases the phases its episodes were played in, in order
   * @param episodes episodes on the lineage in it
   * @param score mean and standard deviation of the score
   * @param maxScore best single episode
   * @param successRate share that reached the goal, or null when the records do not say
   * @param alphaEntropy mean and standard deviation of the alpha entropy, or null without a router
   */
  record SegmentStats(
      long first,
      long last,
      List<String> phases,
      int episodes,
      MeanStd score,
      double maxScore,
      Double successRate,
      MeanStd alphaEntropy) {}

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

  /**
   * The moving-mean window of the charts and the reason it is that one: a reader must know what a
   * smoothed line averages before reading a trend off it.
   *
   * @param episodes episodes averaged (fewer at the start of the run, where fewer exist)
   * @param configured true when it is the run's own {@code spec.divergence.window}
   * @param why for a chosen window, how it was chosen; empty for a configured one
   */
  record Window(int episodes, boolean configured, String why) {

    /** Says it in a legend: "mean of the last 20 episodes (spec.divergence.window)". */
    String legend() {
      return "mean of the last "
          + episodes
          + (episodes == 1 ? " episode" : " episodes")
          + (configured ? " (spec.divergence.window)" : " (chosen: " + why + ")");
    }

    /** Says it in the report's text, with the reason. */
    String sentence() {
      return configured
          ? episodes
              + " episodes, the run's `spec.divergence.window`: the window the trainer reports its"
              + " score mean over and Ratchet judges divergence on"
          : episodes + " episodes, chosen because the run's configured window is not known: " + why;
    }
  }

  /**
   * Score bins that tile the range the lineage's scores span: {@code count} bins of {@code width}
   * starting at {@code first × width}, each lower bound inclusive and the last one closed, so that
   * every environment's range (CartPole's 0–500, intercept's ±1300) gets bins of its own.
   *
   * @param first the lowest bound divided by the width (an integer, so the bounds are round)
   * @param width the bin width, 1, 2, 2.5 or 5 times a power of ten
   * @param count number of bins
   */
  record Bins(long first, double width, int count) {

    double lower(int bin) {
      return edge(bin).doubleValue();
    }

    double upper(int bin) {
      return edge(bin + 1).doubleValue();
    }

    /** The bin a score falls in; scores outside the range go to the nearest end bin. */
    int index(double score) {
      double i = Math.floor(score / width) - first;
      return (int) Math.max(0, Math.min(count - 1, i));
    }

    /** "[450, 500)", the last one "[450, 500]": exact decimal bounds, not 0.30000000000000004. */
    String label(int bin) {
      return label(bin, bin);
    }

    /** The bins from {@code from} to {@code to} as one range, "[-750, 1250)". */
    String label(int from, int to) {
      return "["
          + edge(from).toPlainString()
          + ", "
          + edge(to + 1).toPlainString()
          + (to == count - 1 ? "]" : ")");
    }

    private BigDecimal edge(int bin) {
      BigDecimal e = BigDecimal.valueOf(width).multiply(BigDecimal.valueOf(first + bin));
      return e.signum() == 0 ? BigDecimal.ZERO : e.stripTrailingZeros();
    }
  }

  private ReportStats() {}

  /** Phases in the order they were trained, with their figures; scores counted per bin. */
  static List<PhaseStats> phases(List<EpisodeRecord> kept, Bins bins) {
    Map<String, List<EpisodeRecord>> byPhase = new LinkedHashMap<>();
    for (EpisodeRecord r : kept) {
      byPhase.computeIfAbsent(r.phase(), p -> new ArrayList<>()).add(r);
    }
    List<PhaseStats> phases = new ArrayList<>();
    byPhase.forEach(
        (phase, records) -> {
          List<EpisodeRecord> routed =
              records.stream().filter(r -> r.alphaEntropy() != null).toList();
          int[] counts = new int[bins.count()];
          records.forEach(r -> counts[bins.index(r.score())]++);
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
                  successRate(records),
                  counts));
        });
    return phases;
  }

  /**
   * The lineage cut by episode number into stretches of {@code every}: episodes 1–500, 501–1000…
   * for 500, so that two runs' segments cover the same episodes; a stretch nobody played (a
   * warm-started run's first ones) has no row.
   */
  static List<SegmentStats> segments(List<EpisodeRecord> kept, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("segments need 1 episode or more each, not " + every);
    }
    Map<Long, List<EpisodeRecord>> bySegment = new LinkedHashMap<>();
    for (EpisodeRecord r : kept) {
      bySegment.computeIfAbsent((r.episode() - 1) / every, k -> new ArrayList<>()).add(r);
    }
    List<SegmentStats> out = new ArrayList<>();
    bySegment.forEach(
        (k, records) -> {
          List<EpisodeRecord> routed =
              records.stream().filter(r -> r.alphaEntropy() != null).toList();
          out.add(
              new SegmentStats(
                  records.get(0).episode(),
                  records.get(records.size() - 1).episode(),
                  records.stream().map(EpisodeRecord::phase).distinct().toList(),
                  records.size(),
                  MeanStd.of(records, EpisodeRecord::score),
                  records.stream().mapToDouble(EpisodeRecord::score).max().orElse(Double.NaN),
                  successRate(records),
                  routed.isEmpty() ? null : MeanStd.of(routed, EpisodeRecord::alphaEntropy)));
        });
    return out;
  }

  /**
   * Seconds from the first record's time to the last's: the run's wall time as its records saw it.
   * Null when they carry no parseable time.
   */
  static Double wallSeconds(List<EpisodeRecord> episodes) {
    Instant from = null;
    Instant to = null;
    for (EpisodeRecord r : episodes) {
      if (r.time() == null) {
        continue;
      }
      Instant t;
      try {
        t = Instant.parse(r.time());
      } catch (DateTimeParseException e) {
        return null;
      }
      from = from == null || t.isBefore(from) ? t : from;
      to = to == null || t.isAfter(to) ? t : to;
    }
    return from == null ? null : Duration.between(from, to).toMillis() / 1000.0;
  }

  /** The share of the records that reached the goal, or null when none says (older records). */
  static Double successRate(List<EpisodeRecord> records) {
    List<Boolean> said =
        records.stream().map(EpisodeRecord::success).filter(s -> s != null).toList();
    return said.isEmpty() ? null : said.stream().filter(s -> s).count() / (double) said.size();
  }

  /**
   * Bins for these scores: about as many as the Freedman–Diaconis rule (bin width 2·IQR/∛n) asks
   * for, kept between {@link #MIN_BINS} and {@link #MAX_BINS}, with a round width; then narrower
   * while fewer than {@link #MIN_BINS} bins hold any score, there are ten episodes or more per such
   * bin, and there would still be at most {@link #MAX_BINS}: intercept's misses and hits lie 2,000
   * apart, which inflates the IQR until each cluster fits in a bin or two. Never narrower than 1
   * when every score is a whole number, which would leave every other bin empty.
   */
  static Bins bins(double[] scores) {
    if (scores.length == 0) {
      return new Bins(0, 1, 1);
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    double min = sorted[0];
    double max = sorted[sorted.length - 1];
    boolean whole = Arrays.stream(sorted).allMatch(v -> v == Math.rint(v));
    double span = max - min;
    if (span == 0) {
      return spanning(min, max, whole ? 1 : niceStep(Math.max(Math.abs(min), 1) / MIN_BINS));
    }
    double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    double fd = 2 * iqr / Math.cbrt(sorted.length);
    long target = fd > 0 ? (long) Math.ceil(span / fd) : MIN_BINS;
    target = Math.max(MIN_BINS, Math.min(MAX_BINS, target));
    double width = niceStep(span / target);
    if (whole) {
      width = Math.max(1, width);
    }
    Bins bins = spanning(min, max, width);
    // Finer only while there are enough episodes for a shape: ten per occupied bin.
    while (occupied(bins, sorted) < Math.min(MIN_BINS, sorted.length / 10)) {
      double finer = finerStep(bins.width());
      Bins next = spanning(min, max, finer);
      if ((whole && finer < 1) || next.count() > MAX_BINS) {
        break;
      }
      bins = next;
    }
    return bins;
  }

  /** Bins of this width from the one holding min to the one holding max. */
  private static Bins spanning(double min, double max, double width) {
    long first = (long) Math.floor(min / width);
    // The last bin is closed, so a maximum on a bound (CartPole's 500) ends the range there.
    long last = Math.max(first + 1, (long) Math.ceil(max / width));
    return new Bins(first, width, (int) (last - first));
  }

  private static long occupied(Bins bins, double[] sorted) {
    return Arrays.stream(sorted).mapToInt(bins::index).distinct().count();
  }

  /** The round number nearest {@code raw} (in ratio) among 1, 2, 2.5 and 5 times a power of ten. */
  static double niceStep(double raw) {
    double best = Double.NaN;
    double bestRatio = Double.POSITIVE_INFINITY;
    for (double step : roundSteps(raw)) {
      double ratio = Math.max(step / raw, raw / step);
      if (ratio < bestRatio) {
        best = step;
        bestRatio = ratio;
      }
    }
    return best;
  }

  /** The next round number below {@code step}: 100 → 50, 50 → 25, 25 → 20, 20 → 10. */
  static double finerStep(double step) {
    double finer = 0;
    for (double s : roundSteps(step / 3)) {
      if (s < step * 0.999) {
        finer = Math.max(finer, s);
      }
    }
    return finer;
  }

  /** 1, 2, 2.5 and 5 times the powers of ten around {@code raw}, as exact as a double can be. */
  private static List<Double> roundSteps(double raw) {
    int exponent = (int) Math.floor(Math.log10(raw));
    List<Double> steps = new ArrayList<>();
    for (int e = exponent; e <= exponent + 1; e++) {
      for (String mantissa : List.of("1", "2", "2.5", "5")) {
        steps.add(new BigDecimal(mantissa).scaleByPowerOfTen(e).doubleValue());
      }
    }
    return steps;
  }

  private static double quantile(double[] sorted, double p) {
    double at = p * (sorted.length - 1);
    int below = (int) Math.floor(at);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
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

  /**
   * The run's configured window when known; otherwise the spec's default, or a tenth of a shorter
   * run's episodes so the line still moves — said so in the window's own words.
   */
  static Window window(Integer configured, int episodes) {
    if (configured != null && configured > 0) {
      return new Window(configured, true, "");
    }
    int tenth = Math.max(1, episodes / 10);
    return tenth >= DEFAULT_WINDOW
        ? new Window(DEFAULT_WINDOW, false, "the default spec.divergence.window")
        : new Window(tenth, false, "a tenth of the run's " + episodes + " episodes");
  }

  /**
   * Every how many points to draw so that at most {@code max} are drawn: a dot cloud past that only
   * gets slower to draw, not more informative.
   */
  static int stride(int points, int max) {
    return Math.max(1, (points + max - 1) / max);
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

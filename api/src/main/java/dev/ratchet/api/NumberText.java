package dev.ratchet.api;

import java.util.Locale;

/**
 * Numbers as people read them, the same in every message, status line and report: a score of
 * -524.0620760964521 reads "-524.1" wherever it appears, so two outputs never seem to disagree.
 */
public final class NumberText {

  private NumberText() {}

  /**
   * Four significant digits without trailing zeros ("492.1", "0.33", "1.386"); whole numbers from
   * 1000 on ("-10234"); "-" for a missing value.
   */
  public static String of(Double value) {
    if (value == null) {
      return "-";
    }
    double v = value;
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+(e|$)", "$1");
  }
}

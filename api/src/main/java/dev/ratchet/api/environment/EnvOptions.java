package dev.ratchet.api.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Typed reads of {@code environment.options}, the free-form string map of the spec: unknown keys,
 * wrong types and out-of-range values are refused with a message naming {@code
 * environment.options.KEY}, so a typo is a bad config rather than a silently ignored option.
 */
public final class EnvOptions {

  private final String environment;
  private final Map<String, JsonNode> raw;

  /**
   * Checks that every key of {@code raw} is one of {@code allowed}.
   *
   * @param environment the environment's name, for messages
   * @param raw the options as given (null means none)
   * @param allowed the keys this environment understands
   */
  public EnvOptions(String environment, Map<String, JsonNode> raw, List<String> allowed) {
    this.environment = environment;
    this.raw = raw == null ? Map.of() : raw;
    for (String key : this.raw.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            "environment.options."
                + key
                + " is not an option of "
                + environment
                + (allowed.isEmpty()
                    ? " (it takes none)"
                    : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
      }
    }
  }

  /** A number in [min, max], or {@code fallback} when absent. */
  public double number(String key, double fallback, double min, double max) {
    JsonNode n = raw.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    double v;
    if (n.isNumber()) {
      v = n.asDouble();
    } else if (n.isTextual()) {
      // The spec types options as a string map, so "150" is as good as 150.
      try {
        v = Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        throw bad(key, "must be a number, got \"" + n.asText() + "\"");
      }
    } else {
      throw bad(key, "must be a number, got " + n);
    }
    if (!Double.isFinite(v) || v < min || v > max) {
      throw bad(key, "must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(v));
    }
    return v;
  }

  /** A whole number in [min, max], or {@code fallback} when absent. */
  public int integer(String key, int fallback, int min, int max) {
    double v = number(key, fallback, min, max);
    if (v != Math.rint(v)) {
      throw bad(key, "must be a whole number, got " + fmt(v));
    }
    return (int) v;
  }

  private IllegalArgumentException bad(String key, String what) {
    return new IllegalArgumentException(
        "environment.options." + key + " (" + environment + ") " + what);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

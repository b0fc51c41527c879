package dev.ratchet.core.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Field paths as people write them: {@code spec.phases[1].until.episode}. */
final class FieldPaths {

  private FieldPaths() {}

  /** Turns a JSON path such as {@code $.spec.phases[1].name} into {@code spec.phases[1].name}. */
  static String fromJsonPath(String jsonPath) {
    String path = jsonPath.startsWith("$") ? jsonPath.substring(1) : jsonPath;
    return path.startsWith(".") ? path.substring(1) : path;
  }

  /** Whether {@code path} is {@code other} or a field or item inside it. */
  static boolean inside(String path, String other) {
    return path.equals(other) || path.startsWith(other + ".") || path.startsWith(other + "[");
  }

  static String child(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  /** Splits a path into property names, with {@code []} for every array index. */
  static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String part : path.split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      int bracket = part.indexOf('[');
      segments.add(bracket < 0 ? part : part.substring(0, bracket));
      if (bracket >= 0) {
        int count = part.length() - part.replace("[", "").length();
        for (int i = 0; i < count; i++) {
          segments.add("[]");
        }
      }
    }
    return segments;
  }

  /** The known name nearest to a mistyped one, or null when none is close. */
  static String closest(String typed, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, typed.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

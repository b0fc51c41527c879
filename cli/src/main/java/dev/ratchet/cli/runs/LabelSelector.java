package dev.ratchet.cli.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label selector as kubectl's {@code -l} takes it — {@code key=value}, {@code key==value}, {@code
 * key!=value}, {@code key}, {@code !key}, comma-separated and all required — so that a workdir's
 * runs are chosen by their {@code metadata.labels} the way a cluster chooses its own.
 *
 * @param text the selector as given
 * @param requirements what each comma-separated part asks of a run's labels
 */
record LabelSelector(String text, List<Requirement> requirements) {

  /**
   * One part of a selector.
   *
   * @param key the label's key
   * @param value the value it must (or must not) have, or null when only its presence counts
   * @param negated true for {@code !=} and {@code !key}
   */
  record Requirement(String key, String value, boolean negated) {

    boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      if (value == null) {
        return negated ? actual == null : actual != null;
      }
      return negated ? !value.equals(actual) : value.equals(actual);
    }
  }

  private static final String KEY = "[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?";
  private static final String VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
  private static final Pattern EQUALS =
      Pattern.compile("(" + KEY + ")\\s*(==|=|!=)\\s*(" + VALUE + ")");
  private static final Pattern EXISTS = Pattern.compile("(!?)\\s*(" + KEY + ")");

  /**
   * Parses {@code text}; a part it cannot read is named in the message, with the forms it reads.
   */
  static LabelSelector parse(String text) throws RunSourceException {
    List<Requirement> requirements = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      Matcher eq = EQUALS.matcher(p);
      Matcher exists = EXISTS.matcher(p);
      if (eq.matches()) {
        requirements.add(new Requirement(eq.group(1), eq.group(4), eq.group(3).equals("!=")));
      } else if (exists.matches()) {
        requirements.add(new Requirement(exists.group(2), null, !exists.group(1).isEmpty()));
      } else {
        throw new RunSourceException(
            "-l "
                + text
                + ": cannot read '"
                + p
                + "'; a selector is key=value, key!=value, key or !key, comma-separated (e.g. -l"
                + " experiment=lr-sweep)");
      }
    }
    return new LabelSelector(text, List.copyOf(requirements));
  }

  /** Whether labels (null for none) meet every requirement. */
  boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(l));
  }
}

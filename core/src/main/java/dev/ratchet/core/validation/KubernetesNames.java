package dev.ratchet.core.validation;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The API server's rules for object names, label keys and values: a spec that breaks them would be
 * accepted as a TrainingRun and then every trainer pod refused, so they are checked up front, with
 * the field and the rule in the message.
 */
final class KubernetesNames {

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern NAME_PART =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private KubernetesNames() {}

  /** An object name: a DNS subdomain (lower case, digits, '-' and '.', at most 253). */
  static void checkSubdomain(String name, String field, List<Violation> violations) {
    if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      violations.add(
          new Violation(
              field,
              "\""
                  + name
                  + "\" is not a valid name: lower-case letters, digits, '-' and '.', starting"
                  + " and ending with a letter or digit, at most 253 characters"));
    }
  }

  /** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of ≤ 63. */
  static void checkQualifiedName(String key, String field, List<Violation> violations) {
    int slash = key.indexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    boolean ok =
        name.length() <= 63
            && NAME_PART.matcher(name).matches()
            && (prefix == null
                || (!prefix.isEmpty()
                    && prefix.length() <= 253
                    && SUBDOMAIN.matcher(prefix).matches()));
    if (!ok) {
      violations.add(
          new Violation(
              field,
              "\""
                  + key
                  + "\" is not a valid key: [prefix/]name, the name at most 63 letters, digits,"
                  + " '-', '_' or '.' starting and ending with a letter or digit, the prefix a"
                  + " lower-case DNS name"));
    }
  }

  /** A label value: empty, or at most 63 letters, digits, '-', '_', '.' (alphanumeric ends). */
  static void checkLabelValue(String value, String field, List<Violation> violations) {
    if (value == null || value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
      violations.add(
          new Violation(
              field,
              "value \""
                  + value
                  + "\" is not a valid label value: at most 63 letters, digits, '-', '_' or '.',"
                  + " starting and ending with a letter or digit"));
    }
  }
}

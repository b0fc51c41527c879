package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Field selectors as the real server applies them ({@code a.b=v}, {@code a.b==v}, {@code a.b!=v},
 * comma-separated): {@code kubectl describe} finds an object's events by {@code
 * involvedObject.name}, {@code .namespace}, {@code .kind} and {@code .uid}, which Fabric8's store
 * does not match. Any field path is accepted here, where the real server allows only some per type.
 */
final class FieldSelector {

  private FieldSelector() {}

  static List<ObjectNode> filter(List<ObjectNode> items, String selector) {
    if (selector == null || selector.isBlank()) {
      return items;
    }
    return items.stream().filter(o -> matches(o, selector)).toList();
  }

  private static boolean matches(ObjectNode object, String selector) {
    for (String term : selector.split(",")) {
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        throw ApiError.badRequest("invalid field selector " + term);
      }
      JsonNode node = object;
      for (String part : kv[0].strip().split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      String actual = node == null || node.isNull() ? "" : node.asText();
      if (actual.equals(kv[1].strip()) == negated) {
        return false;
      }
    }
    return true;
  }
}

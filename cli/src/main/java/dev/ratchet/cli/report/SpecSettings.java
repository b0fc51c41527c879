package dev.ratchet.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's spec as one line per setting — {@code ppo.learningRate = 0.0003}, {@code
 * phases.transition.until.episode = 900} — so that a comparison can say what its runs differ in:
 * the one thing a reader of two curves must know first.
 */
public final class SpecSettings {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecSettings() {}

  /**
   * The settings of {@code spec} (any object Jackson serializes), in the spec's order; lists of
   * named items (phases) keyed by name, with their order as a setting of its own, so that a phase
   * inserted in the middle shows as that phase and not as every later one shifted.
   */
  public static Map<String, String> of(Object spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec != null) {
      flatten("", JSON.valueToTree(spec), out);
    }
    return out;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> f = node.fields(); f.hasNext(); ) {
        Map.Entry<String, JsonNode> e = f.next();
        flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        return;
      }
      boolean named = true;
      boolean scalars = true;
      for (JsonNode item : node) {
        named &= item.isObject() && item.path("name").isTextual();
        scalars &= item.isValueNode();
      }
      if (named) {
        List<String> names = new ArrayList<>();
        node.forEach(item -> names.add(item.get("name").asText()));
        out.put(path, String.join(" → ", names));
        for (JsonNode item : node) {
          ObjectNode rest = item.deepCopy();
          rest.remove("name");
          flatten(path + "." + item.get("name").asText(), rest, out);
        }
      } else if (scalars) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(text(v)));
        out.put(path, "[" + String.join(", ", values) + "]");
      } else {
        for (int i = 0; i < node.size(); i++) {
          flatten(path + "[" + i + "]", node.get(i), out);
        }
      }
    } else {
      out.put(path, text(node));
    }
  }

  /** Numbers as plain decimals (0.0003, not 3.0E-4); the rest as their text. */
  private static String text(JsonNode v) {
    if (v.isNumber()) {
      var d = v.decimalValue().stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    return v.asText();
  }
}

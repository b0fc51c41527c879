package dev.ratchet.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** Renders the CRD's OpenAPI schema as the Markdown field reference under docs/. */
final class CrdReference {

  /** Kubernetes' own types, documented upstream: listed, not expanded. */
  static final Set<String> KUBERNETES_TYPES =
      Set.of(
          "spec.trainer.resources",
          "spec.environment.external.resources",
          "spec.trainer.tolerations",
          "spec.trainer.env",
          "spec.trainer.affinity",
          "spec.trainer.imagePullSecrets",
          "status.conditions");

  private CrdReference() {}

  /** Calls the visitor for every field under spec and status, parents before children. */
  static void walk(JsonNode schema, BiConsumer<String, JsonNode> visitor) {
    walk("spec", schema.path("properties").path("spec"), visitor);
    walk("status", schema.path("properties").path("status"), visitor);
  }

  private static void walk(String path, JsonNode node, BiConsumer<String, JsonNode> visitor) {
    visitor.accept(path, node);
    if (KUBERNETES_TYPES.contains(path)) {
      return;
    }
    JsonNode object = node.path("type").asText().equals("array") ? node.path("items") : node;
    String prefix = node.path("type").asText().equals("array") ? path + "[]" : path;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      walk(prefix + "." + field.getKey(), field.getValue(), visitor);
    }
  }

  static String render(JsonNode crd) {
    JsonNode version = crd.at("/spec/versions/0");
    JsonNode schema = version.at("/schema/openAPIV3Schema");
    StringBuilder md = new StringBuilder();
    md.append("# TrainingRun reference\n\n")
        .append("<!-- Generated from crds/trainingruns.ratchet.dev-v1.yml by ReferenceDocTest;")
        .append(" do not edit. Regenerate with:\n")
        .append("     ./mvnw -pl api test -Dtest=ReferenceDocTest -Dratchet.update-generated=true")
        .append(" -->\n\n")
        .append("`apiVersion: ")
        .append(crd.at("/spec/group").asText())
        .append('/')
        .append(version.path("name").asText())
        .append("`, `kind: ")
        .append(crd.at("/spec/names/kind").asText())
        .append("`, short name `")
        .append(crd.at("/spec/names/shortNames/0").asText())
        .append("`, namespaced, with a status subresource.\n\n")
        .append("`kubectl get trainingruns` shows: ");
    List<String> columns = new ArrayList<>();
    version
        .path("additionalPrinterColumns")
        .forEach(
            c -> columns.add(c.path("name").asText() + " (`" + c.path("jsonPath").asText() + "`)"));
    md.append(String.join(", ", columns)).append(".\n\n");
    md.append("Defaults are applied by the API server (and by the local mode) when a field is")
        .append(" left out. Validation marked *required*, ranges, enums and patterns is enforced")
        .append(" by the CRD schema; rules across fields are checked by Ratchet, which marks the")
        .append(" run `Failed` with a message naming the field (see the user guide).\n");
    for (String section : List.of("spec", "status")) {
      md.append("\n## ")
          .append(section)
          .append("\n\n| Field | Type | Default | Validation | Description |\n")
          .append("|---|---|---|---|---|\n");
      walk(
          schema,
          (path, node) -> {
            if (path.startsWith(section + ".")) {
              md.append(row(path, node, schema));
            }
          });
    }
    return md.toString();
  }

  private static String row(String path, JsonNode node, JsonNode schema) {
    return "| `"
        + path
        + "` | "
        + type(path, node)
        + " | "
        + (node.has("default") ? "`" + node.path("default") + "`" : "")
        + " | "
        + validation(path, node, schema)
        + " | "
        + cell(node.path("description").asText(""))
        + " |\n";
  }

  private static String type(String path, JsonNode node) {
    String type = node.path("type").asText("any");
    if (KUBERNETES_TYPES.contains(path)) {
      return switch (path) {
        case "spec.trainer.resources", "spec.environment.external.resources" ->
            "ResourceRequirements (Kubernetes)";
        case "spec.trainer.tolerations" -> "[]Toleration (Kubernetes)";
        case "spec.trainer.env" -> "[]EnvVar (Kubernetes)";
        default -> "[]Condition (Kubernetes)";
      };
    }
    if (type.equals("array")) {
      return "[]" + node.path("items").path("type").asText("any");
    }
    if (type.equals("object") && node.has("additionalProperties")) {
      JsonNode values = node.path("additionalProperties");
      return "map[string]" + values.path("type").asText("any");
    }
    return type;
  }

  private static String validation(String path, JsonNode node, JsonNode schema) {
    List<String> rules = new ArrayList<>();
    if (isRequired(path, schema)) {
      rules.add("required");
    }
    if (node.has("enum")) {
      List<String> values = new ArrayList<>();
      node.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
      rules.add("one of " + String.join(", ", values));
    }
    if (node.has("minimum")) {
      rules.add(
          (node.path("exclusiveMinimum").asBoolean() ? "> " : ">= ")
              + number(node.path("minimum")));
    }
    if (node.has("maximum")) {
      rules.add(
          (node.path("exclusiveMaximum").asBoolean() ? "< " : "<= ")
              + number(node.path("maximum")));
    }
    if (node.has("minItems")) {
      rules.add("at least " + node.path("minItems").asText() + " item(s)");
    }
    if (node.has("maxItems")) {
      rules.add("at most " + node.path("maxItems").asText() + " item(s)");
    }
    if (node.has("pattern")) {
      rules.add("matches `" + node.path("pattern").asText().replace("|", "\\|") + "`");
    }
    return String.join("; ", rules);
  }

  private static boolean isRequired(String path, JsonNode schema) {
    int dot = path.lastIndexOf('.');
    String parentPath = path.substring(0, dot);
    String field = path.substring(dot + 1);
    JsonNode parent = schema;
    for (String segment : parentPath.split("\\.")) {
      boolean array = segment.endsWith("[]");
      parent = parent.path("properties").path(array ? segment.replace("[]", "") : segment);
      if (array) {
        parent = parent.path("items");
      }
    }
    for (JsonNode required : parent.path("required")) {
      if (required.asText().equals(field)) {
        return true;
      }
    }
    return false;
  }

  private static String number(JsonNode value) {
    String text = value.asText();
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ").strip();
  }
}

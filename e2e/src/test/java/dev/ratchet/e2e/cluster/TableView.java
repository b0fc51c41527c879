package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code meta.k8s.io/v1 Table} that {@code kubectl get} asks for ({@code Accept:
 * ...;as=Table}). Without it kubectl prints only NAME and AGE; with it, a custom resource shows its
 * CRD's {@code additionalPrinterColumns}, evaluated here as a real server does (missing values are
 * empty cells, {@code date} columns are ages like {@code 5s}). Only simple JSONPaths ({@code .a.b},
 * {@code .a[0].b}) are evaluated. Built-in types get Name and Age, plus Status for namespaces, Type
 * and Data for secrets and Data for config maps; the real server's other built-in columns are not
 * reproduced.
 */
final class TableView {

  private record Column(
      String name,
      String type,
      String format,
      int priority,
      String description,
      Function<JsonNode, Object> value) {}

  private TableView() {}

  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  static ObjectNode table(
      Discovery.ResourceType type,
      List<ObjectNode> objects,
      String resourceVersion,
      String includeObject,
      Instant now) {
    List<Column> columns = columns(type, now);
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", c.description())
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        cells.add(Json.MAPPER.valueToTree(c.value().apply(object)));
      }
      // kubectl reads the row's object for -A (namespace column), --show-labels and sorting
      if ("Object".equals(includeObject)) {
        row.set("object", object);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
    }
    return table;
  }

  private static List<Column> columns(Discovery.ResourceType type, Instant now) {
    List<Column> columns = new ArrayList<>();
    columns.add(
        new Column(
            "Name",
            "string",
            "name",
            0,
            "Name must be unique within a namespace.",
            o -> Json.text(o, "metadata", "name")));
    Column age =
        new Column(
            "Age",
            "string",
            "",
            0,
            "CreationTimestamp is a timestamp representing the server time when this object was"
                + " created.",
            o -> age(Json.text(o, "metadata", "creationTimestamp"), now));
    if (type.custom()) {
      if (type.columns().isEmpty()) {
        columns.add(age);
      }
      for (Discovery.PrinterColumn c : type.columns()) {
        columns.add(
            new Column(
                c.name(),
                c.type(),
                c.format(),
                c.priority(),
                c.description(),
                o -> cell(c.type(), evaluate(o, c.jsonPath()), now)));
      }
      return columns;
    }
    switch (type.kind()) {
      case "Namespace" ->
          columns.add(
              new Column(
                  "Status",
                  "string",
                  "",
                  0,
                  "The status of the namespace",
                  o -> Json.text(o, "status", "phase")));
      case "Secret" -> {
        columns.add(
            new Column(
                "Type", "string", "", 0, "The type of the secret", o -> Json.text(o, "type")));
        columns.add(
            new Column(
                "Data",
                "string",
                "",
                0,
                "The number of items in the secret",
                o -> o.path("data").size()));
      }
      case "ConfigMap" ->
          columns.add(
              new Column(
                  "Data",
                  "string",
                  "",
                  0,
                  "Number of data in the configmap",
                  o -> o.path("data").size() + o.path("binaryData").size()));
      default -> {}
    }
    columns.add(age);
    return columns;
  }

  /** A CRD column's cell: typed as its column says, null when the path has no value. */
  private static Object cell(String type, JsonNode value, Instant now) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return switch (type) {
      case "integer" -> value.isNumber() ? (Object) value.asLong() : null;
      case "number" -> value.isNumber() ? (Object) value.numberValue() : null;
      case "boolean" -> value.isBoolean() ? (Object) value.asBoolean() : null;
      case "date" -> value.isTextual() ? age(value.asText(), now) : null;
      default -> value.isValueNode() ? value.asText() : Json.write(value);
    };
  }

  /** A simple JSONPath ({@code .status.metrics.scoreMean}, {@code .spec.items[0].name}). */
  static JsonNode evaluate(JsonNode object, String jsonPath) {
    String path = jsonPath.trim();
    if (path.startsWith("{") && path.endsWith("}")) {
      path = path.substring(1, path.length() - 1);
    }
    JsonNode node = object;
    for (String part : path.replaceFirst("^\\.", "").split("\\.")) {
      if (part.isEmpty() || node == null) {
        continue;
      }
      int bracket = part.indexOf('[');
      String field = bracket < 0 ? part : part.substring(0, bracket);
      node = field.isEmpty() ? node : node.get(field);
      while (bracket >= 0 && node != null) {
        int close = part.indexOf(']', bracket);
        node = node.get(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return node;
  }

  private static String age(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  /** k8s.io/apimachinery's duration.HumanDuration, which kubectl's AGE column shows. */
  static String humanDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }
}

package dev.ratchet.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a TrainingRun document against the CRD's OpenAPI schema, as the API server would, and
 * words each failure as the field path and what is expected there.
 */
public final class SchemaValidator {

  private final CrdSchema crd;
  private final JsonSchema schema;

  public SchemaValidator(CrdSchema crd) {
    this.crd = crd;
    // The OpenAPI 3.0 subset Kubernetes uses is JSON Schema draft 4 (boolean exclusiveMinimum).
    this.schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(crd.strictJsonSchema());
  }

  /** Returns the violations of the whole document (apiVersion, kind, metadata, spec). */
  public List<Violation> validate(JsonNode document) {
    List<Violation> violations = new ArrayList<>();
    for (ValidationMessage message : schema.validate(document)) {
      violations.add(toViolation(message));
    }
    violations.sort(Comparator.comparing(Violation::path).thenComparing(Violation::message));
    return violations.stream().distinct().toList();
  }

  private Violation toViolation(ValidationMessage message) {
    String path = FieldPaths.fromJsonPath(message.getInstanceLocation().toString());
    Object[] args = message.getArguments() == null ? new Object[0] : message.getArguments();
    JsonNode value = message.getInstanceNode();
    return switch (message.getType()) {
      case "required" ->
          new Violation(
              FieldPaths.child(path, message.getProperty()),
              "is required" + describe(FieldPaths.child(path, message.getProperty())));
      case "additionalProperties" -> unknownField(path, message.getProperty());
      case "type" ->
          new Violation(
              path,
              "must be of type " + arg(args, 1) + ", got " + arg(args, 0) + " " + show(value));
      case "enum" -> new Violation(path, "must be one of " + arg(args, 0) + ", got " + show(value));
      case "minimum", "exclusiveMinimum" ->
          new Violation(
              path,
              (exclusive(path, "exclusiveMinimum") ? "must be greater than " : "must be at least ")
                  + number(arg(args, 0))
                  + ", got "
                  + show(value));
      case "maximum", "exclusiveMaximum" ->
          new Violation(
              path,
              (exclusive(path, "exclusiveMaximum") ? "must be less than " : "must be at most ")
                  + number(arg(args, 0))
                  + ", got "
                  + show(value));
      case "pattern" ->
          new Violation(
              path,
              "got " + show(value) + ", which does not match " + arg(args, 0) + describe(path));
      case "minItems" ->
          new Violation(path, "must have at least " + arg(args, 0) + " item(s)" + describe(path));
      case "maxItems" ->
          new Violation(path, "must have at most " + arg(args, 0) + " item(s)" + describe(path));
      default -> new Violation(path, message.getMessage().replaceFirst("^\\$[^:]*: ", ""));
    };
  }

  private Violation unknownField(String parentPath, String field) {
    JsonNode properties = schemaAt(parentPath).path("properties");
    List<String> known = new ArrayList<>();
    properties.fieldNames().forEachRemaining(known::add);
    String suggestion = FieldPaths.closest(field, known);
    String hint =
        suggestion != null
            ? " (did you mean " + suggestion + "?)"
            : " (known fields: " + known + ")";
    return new Violation(FieldPaths.child(parentPath, field), "unknown field" + hint);
  }

  /** The field's own description in parentheses, so a message says what the field is for. */
  private String describe(String path) {
    String description = schemaAt(path).path("description").asText("");
    return description.isEmpty() ? "" : " (" + description.strip() + ")";
  }

  private JsonNode schemaAt(String path) {
    JsonNode node = crd.openApiSchema();
    for (String segment : FieldPaths.segments(path)) {
      node = segment.equals("[]") ? node.path("items") : node.path("properties").path(segment);
    }
    return node;
  }

  /** Draft 4 reports exclusive bounds under the plain keyword; the schema says which it is. */
  private boolean exclusive(String path, String keyword) {
    return schemaAt(path).path(keyword).asBoolean(false);
  }

  private static String number(String text) {
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static String arg(Object[] args, int index) {
    return index < args.length ? String.valueOf(args[index]) : "?";
  }

  private static String show(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    String text = value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}

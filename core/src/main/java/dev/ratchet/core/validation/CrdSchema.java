package dev.ratchet.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** The openAPIV3Schema of the committed TrainingRun CRD, as shipped inside the api jar. */
public final class CrdSchema {

  /** Classpath location of the committed CRD (copied from crds/ by the api build). */
  public static final String CRD_RESOURCE =
      "/META-INF/ratchet/crds/trainingruns.ratchet.dev-v1.yml";

  private final JsonNode openApiSchema;

  private CrdSchema(JsonNode openApiSchema) {
    this.openApiSchema = openApiSchema;
  }

  /** Loads the schema of the CRD's only served version. */
  public static CrdSchema load() {
    try (InputStream in = CrdSchema.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is missing from the classpath");
      }
      JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(in);
      return new CrdSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CRD_RESOURCE, e);
    }
  }

  /** The schema exactly as in the CRD. */
  public JsonNode openApiSchema() {
    return openApiSchema;
  }

  /**
   * The schema as a JSON Schema that, like {@code kubectl apply}'s default strict field validation,
   * rejects unknown fields instead of silently pruning them.
   */
  public JsonNode strictJsonSchema() {
    ObjectNode copy = openApiSchema.deepCopy();
    // The API server checks the object's header itself; the CRD schema only covers spec/status.
    ObjectNode properties = (ObjectNode) copy.path("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    forbidUnknownFields(copy);
    return copy;
  }

  private static void forbidUnknownFields(JsonNode node) {
    if (node instanceof ObjectNode object) {
      boolean preserves = object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      if (object.has("properties") && !object.has("additionalProperties") && !preserves) {
        object.put("additionalProperties", false);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        forbidUnknownFields(it.next().getValue());
      }
    } else if (node != null && node.isArray()) {
      node.forEach(CrdSchema::forbidUnknownFields);
    }
  }
}

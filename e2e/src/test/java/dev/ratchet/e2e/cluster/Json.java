package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** One JSON mapper for the fixture, so every class reads and writes bodies the same way. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** Parses a body; a malformed one is the client's error (400), as on a real server. */
  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("the body of the request could not be parsed: " + e.getMessage());
    }
  }

  static ObjectNode parseObject(String text) {
    JsonNode node = parse(text);
    if (!(node instanceof ObjectNode object)) {
      throw ApiError.badRequest("the body of the request is not a JSON object");
    }
    return object;
  }

  /** Server-side apply bodies are YAML (JSON is YAML too). */
  static ObjectNode parseYamlObject(String text) {
    try {
      JsonNode node = YAML.readTree(text);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("the body of the request could not be parsed: " + e.getMessage());
    }
    throw ApiError.badRequest("the body of the request is not an object");
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code metadata} of an object, created when missing so writers need no null checks. */
  static ObjectNode metadata(ObjectNode object) {
    JsonNode m = object.get("metadata");
    if (m instanceof ObjectNode meta) {
      return meta;
    }
    return object.putObject("metadata");
  }

  /** The object field {@code name} of {@code parent}, created when missing. */
  static ObjectNode child(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }

  static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      if (n == null) {
        return "";
      }
      n = n.get(p);
    }
    return n == null || n.isNull() ? "" : n.asText();
  }
}

package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * A failure answered as a {@code meta/v1 Status} with the reason and message a real API server
 * gives: clients branch on the reason ({@code helm install} ignores {@code AlreadyExists} for its
 * namespace, {@code kubectl apply} creates on {@code NotFound}) and users read the message.
 */
final class ApiError extends RuntimeException {

  private final int code;
  private final String reason;
  private final String name;
  private final String group;
  private final String kind;

  private ApiError(
      int code, String reason, String message, String name, String group, String kind) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.name = name;
    this.group = group;
    this.kind = kind;
  }

  static ApiError notFound(Discovery.ResourceType type, String name) {
    return new ApiError(
        404,
        "NotFound",
        type.qualified() + " \"" + name + "\" not found",
        name,
        type.group(),
        type.plural());
  }

  static ApiError namespaceNotFound(String namespace) {
    return new ApiError(
        404, "NotFound", "namespaces \"" + namespace + "\" not found", namespace, "", "namespaces");
  }

  /** What a real server says for a path it serves no resource at. */
  static ApiError noSuchResource() {
    return new ApiError(
        404, "NotFound", "the server could not find the requested resource", null, null, null);
  }

  static ApiError alreadyExists(Discovery.ResourceType type, String name) {
    return new ApiError(
        409,
        "AlreadyExists",
        type.qualified() + " \"" + name + "\" already exists",
        name,
        type.group(),
        type.plural());
  }

  static ApiError conflict(Discovery.ResourceType type, String name) {
    return new ApiError(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.qualified()
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        name,
        type.group(),
        type.plural());
  }

  /**
   * A real server's answer to a strategic-merge patch of a custom resource (and to any body type it
   * cannot read).
   */
  static ApiError unsupportedMediaType() {
    return new ApiError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json-patch+json, application/merge-patch+json,"
            + " application/apply-patch+yaml",
        null,
        null,
        null);
  }

  static ApiError unsupportedMediaType(String message) {
    return new ApiError(415, "UnsupportedMediaType", message, null, null, null);
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "BadRequest", message, null, null, null);
  }

  static ApiError invalid(String message) {
    return new ApiError(422, "Invalid", message, null, null, null);
  }

  /** A fixture bug, said in the reply the client prints. */
  static ApiError internal(String message) {
    return new ApiError(500, "InternalError", message, null, null, null);
  }

  static ApiError methodNotAllowed() {
    return new ApiError(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        null,
        null,
        null);
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }

  ObjectNode status() {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", getMessage());
    s.put("reason", reason);
    if (name != null || kind != null) {
      ObjectNode d = s.putObject("details");
      if (name != null) {
        d.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        d.put("group", group);
      }
      if (kind != null) {
        d.put("kind", kind);
      }
    }
    s.put("code", code);
    return s;
  }

  MockResponse toResponse() {
    return Replies.json(code, status());
  }
}

package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * The fields a real server sets on writes that clients wait for or read back: a CRD's Established
 * and NamesAccepted conditions (Helm waits 60 s for them, {@code kubectl wait
 * --for=condition=established} too), a Namespace's phase and name label, a Secret's {@code
 * stringData} folded into {@code data}, names from {@code generateName}, and status left alone by
 * writes to the main resource of a type with a status subresource. No schema defaulting.
 */
final class ServerSetFields {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private ServerSetFields() {}

  /** Before a create is stored. */
  static void onCreate(Discovery.ResourceType type, ObjectNode object) {
    ObjectNode meta = Json.metadata(object);
    if (Json.text(meta, "name").isEmpty() && !Json.text(meta, "generateName").isEmpty()) {
      StringBuilder name = new StringBuilder(meta.get("generateName").asText());
      for (int i = 0; i < 5; i++) {
        name.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
      }
      meta.put("name", name.toString());
    }
    meta.remove("deletionTimestamp");
    if (type.hasStatus()) {
      object.remove("status"); // a create never sets the status of such a type
    }
    onWrite(type, object);
  }

  /** Before an update of the main resource (not its status) is stored. */
  static void onUpdate(Discovery.ResourceType type, ObjectNode current, ObjectNode updated) {
    if (type.hasStatus()) {
      if (current.has("status")) {
        updated.set("status", current.get("status").deepCopy());
      } else {
        updated.remove("status");
      }
    }
    // deletion, once started, is not undone by an update
    JsonNode deleting = current.path("metadata").get("deletionTimestamp");
    if (deleting != null) {
      Json.metadata(updated).set("deletionTimestamp", deleting.deepCopy());
    }
    onWrite(type, updated);
  }

  private static void onWrite(Discovery.ResourceType type, ObjectNode object) {
    switch (type.group() + "/" + type.kind()) {
      case "apiextensions.k8s.io/CustomResourceDefinition" -> establish(object);
      case "/Namespace" -> {
        Json.child(Json.metadata(object), "labels")
            .put("kubernetes.io/metadata.name", Json.text(object, "metadata", "name"));
        if (!object.path("spec").has("finalizers")) {
          Json.child(object, "spec").putArray("finalizers").add("kubernetes");
        }
        Json.child(object, "status").put("phase", "Active");
      }
      case "/Secret" -> foldStringData(object);
      default -> {}
    }
  }

  /** A CRD is accepted at once: nothing here can conflict with its names. */
  private static void establish(ObjectNode crd) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode status = crd.putObject("status");
    ArrayNode conditions = status.putArray("conditions");
    conditions
        .addObject()
        .put("type", "NamesAccepted")
        .put("status", "True")
        .put("lastTransitionTime", now)
        .put("reason", "NoConflicts")
        .put("message", "no conflicts found");
    conditions
        .addObject()
        .put("type", "Established")
        .put("status", "True")
        .put("lastTransitionTime", now)
        .put("reason", "InitialNamesAccepted")
        .put("message", "the initial names have been accepted");
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    ArrayNode stored = status.putArray("storedVersions");
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        stored.add(v.path("name").asText());
      }
    }
  }

  private static void foldStringData(ObjectNode secret) {
    if (!secret.has("type")) {
      secret.put("type", "Opaque");
    }
    if (!(secret.remove("stringData") instanceof ObjectNode stringData)) {
      return;
    }
    ObjectNode data = Json.child(secret, "data");
    for (Iterator<Map.Entry<String, JsonNode>> it = stringData.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      data.put(
          e.getKey(),
          Base64.getEncoder()
              .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    }
  }
}

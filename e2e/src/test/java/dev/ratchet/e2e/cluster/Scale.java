package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code autoscaling/v1 Scale} view of a Deployment, ReplicaSet or StatefulSet that {@code
 * kubectl scale} reads and writes; the object itself stays the one stored. Nothing acts on the new
 * replica count (no controllers).
 */
final class Scale {

  private Scale() {}

  static ObjectNode of(ObjectNode object) {
    ObjectNode scale = Json.object();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      JsonNode v = object.path("metadata").get(f);
      if (v != null) {
        meta.set(f, v.deepCopy());
      }
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", object.path("status").path("replicas").asInt(0));
    List<String> selector = new ArrayList<>();
    object
        .path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> selector.add(e.getKey() + "=" + e.getValue().asText()));
    status.put("selector", String.join(",", selector));
    return scale;
  }

  /** The object with the replicas (and the resourceVersion precondition) of a written Scale. */
  static ObjectNode apply(ObjectNode current, ObjectNode scale) {
    ObjectNode updated = current.deepCopy();
    JsonNode replicas = scale.path("spec").get("replicas");
    if (replicas != null) {
      Json.child(updated, "spec").set("replicas", replicas.deepCopy());
    }
    String rv = Json.text(scale, "metadata", "resourceVersion");
    if (!rv.isEmpty()) {
      Json.metadata(updated).put("resourceVersion", rv);
    }
    return updated;
  }

  /** A write's reply as the Scale the client asked to write. */
  static MockResponse reply(MockResponse written) {
    if (written.code() >= 300) {
      return written;
    }
    return Replies.json(written.code(), of(Json.parseObject(Store.body(written))));
  }
}

package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fabric8's CRUD dispatcher used as the object store, through clean requests only (no query string,
 * JSON bodies): it keeps objects, resource versions, generations, finalizers and its WebSocket
 * watches (which Fabric8 clients use), while the fixture decides what a request means.
 */
final class Store {

  /**
   * The finalizer that holds a running pod while its kubelet stops it (graceful deletion); reads
   * through the server never show it.
   */
  static final String GRACEFUL_DELETION = "test.ratchet.dev/graceful-deletion";

  private final KubernetesCrudDispatcher crud;
  private final List<Tombstone> tombstones = new CopyOnWriteArrayList<>();
  private long lastTombstone;

  /**
   * An object the store removed, with a resource version after its last one: watches over plain
   * HTTP report it as DELETED ({@code kubectl delete} waits for that).
   */
  record Tombstone(String collectionPath, ObjectNode object, long resourceVersion) {}

  Store(KubernetesCrudDispatcher crud) {
    this.crud = crud;
  }

  Optional<ObjectNode> get(String objectPath) {
    MockResponse r = send(HttpMethod.GET, objectPath, null);
    if (r.code() != 200 || r.getBody() == null || r.getBody().size() == 0) {
      return Optional.empty();
    }
    return Optional.of(hideGracefulDeletion(Json.parseObject(body(r))));
  }

  /** The objects at a collection path (selectors in its query are applied by the store). */
  List<ObjectNode> list(String collectionPath) {
    return items(Json.parse(body(send(HttpMethod.GET, collectionPath, null))));
  }

  /** The store's resource version now, as a list reply carries it. */
  String resourceVersion(String collectionPath) {
    return Json.text(
        Json.parse(body(send(HttpMethod.GET, collectionPath, null))),
        "metadata",
        "resourceVersion");
  }

  /** A list's items in a real server's (etcd's) order: by namespace, then name. */
  static List<ObjectNode> items(JsonNode list) {
    List<ObjectNode> items = new ArrayList<>();
    list.path("items").forEach(i -> items.add(hideGracefulDeletion((ObjectNode) i)));
    items.sort(
        Comparator.comparing((ObjectNode o) -> Json.text(o, "metadata", "namespace"))
            .thenComparing(o -> Json.text(o, "metadata", "name")));
    return items;
  }

  private static ObjectNode hideGracefulDeletion(ObjectNode object) {
    JsonNode finalizers = object.path("metadata").path("finalizers");
    if (finalizers.isArray()) {
      ArrayNode kept = ((ArrayNode) finalizers).deepCopy();
      for (int i = kept.size() - 1; i >= 0; i--) {
        if (GRACEFUL_DELETION.equals(kept.get(i).asText())) {
          kept.remove(i);
        }
      }
      if (kept.isEmpty()) {
        ((ObjectNode) object.get("metadata")).remove("finalizers");
      } else {
        ((ObjectNode) object.get("metadata")).set("finalizers", kept);
      }
    }
    return object;
  }

  MockResponse create(String collectionPath, ObjectNode object) {
    return send(HttpMethod.POST, collectionPath, Json.write(object));
  }

  /**
   * Replaces the object (or, on a {@code .../status} path, only its status). An update that takes
   * the last finalizer off an object being deleted removes it.
   */
  MockResponse update(String path, ObjectNode object) {
    String objectPath = path.endsWith("/status") ? path.substring(0, path.length() - 7) : path;
    Optional<ObjectNode> before =
        get(objectPath).filter(o -> o.path("metadata").has("deletionTimestamp"));
    MockResponse r = send(HttpMethod.PUT, path, Json.write(object));
    before.ifPresent(o -> buryIfGone(objectPath, o));
    return r;
  }

  MockResponse delete(String objectPath) {
    Optional<ObjectNode> before = get(objectPath);
    MockResponse r = send(HttpMethod.DELETE, objectPath, null);
    before.ifPresent(o -> buryIfGone(objectPath, o));
    return r;
  }

  /** The objects removed from a collection after a resource version. */
  List<Tombstone> deletedSince(String collectionPath, long since) {
    return tombstones.stream()
        .filter(t -> t.resourceVersion() > since)
        .filter(
            t ->
                t.collectionPath().equals(collectionPath)
                    || t.collectionPath()
                        .replaceFirst("/namespaces/[^/]+/", "/")
                        .equals(collectionPath))
        .toList();
  }

  private synchronized void buryIfGone(String objectPath, ObjectNode last) {
    if (get(objectPath).isPresent()) {
      return;
    }
    String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
    long rv =
        Math.max(
            lastTombstone + 1,
            Math.max(
                parse(Json.text(last, "metadata", "resourceVersion")) + 1,
                parse(resourceVersion(collection))));
    lastTombstone = rv;
    ObjectNode gone = last.deepCopy();
    Json.metadata(gone).put("resourceVersion", Long.toString(rv));
    tombstones.add(new Tombstone(collection, gone, rv));
  }

  private static long parse(String resourceVersion) {
    try {
      return Long.parseLong(resourceVersion);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Fabric8's WebSocket watches go to the store as they came. */
  MockResponse passThrough(RecordedRequest request) {
    return crud.dispatch(request);
  }

  private MockResponse send(HttpMethod method, String path, String json) {
    Headers.Builder headers = Headers.builder();
    byte[] bytes = null;
    if (json != null) {
      headers.add("Content-Type", Replies.JSON);
      bytes = json.getBytes(StandardCharsets.UTF_8);
    }
    return crud.dispatch(
        new RecordedRequest("HTTP/1.1", method, path, headers.build(), new Buffer(bytes)));
  }

  static String body(MockResponse r) {
    return r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8);
  }
}

package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The dispatcher in front of Fabric8's CRUD store: it answers what the store gets wrong or lacks
 * (discovery, /version, /openapi/v2, tables, watches over plain HTTP, merge patches, dry runs,
 * protobuf bodies, reason codes) and hands clean reads and writes to the {@link Store}. Requests
 * are handled one at a time, so a patch's read-modify-write is not interleaved with another write.
 */
final class ApiServerDispatcher extends Dispatcher {

  /** What {@code kubectl version} shows and Helm checks a chart's kubeVersion against. */
  static final String GIT_VERSION = "v1.32.4+fabric8-mock";

  private final Store store;
  private final Discovery discovery;
  private volatile String serverAddress = "127.0.0.1:0";

  ApiServerDispatcher(KubernetesCrudDispatcher crud) {
    this.store = new Store(crud);
    this.discovery = new Discovery(store);
  }

  void serverAddress(String hostAndPort) {
    this.serverAddress = hostAndPort;
  }

  @Override
  public synchronized MockResponse dispatch(RecordedRequest request) {
    try {
      return route(request);
    } catch (ApiError e) {
      return e.toResponse();
    } catch (RuntimeException e) {
      // a fixture bug: say so in the reply the client prints, and in the test log
      e.printStackTrace();
      return ApiError.internal("test API server failure on " + request + ": " + e).toResponse();
    }
  }

  private MockResponse route(RecordedRequest request) {
    String uri = request.getPath();
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    boolean get = request.getMethod().equals("GET");
    if (get) {
      switch (path) {
        case "/" -> {
          return Replies.json(200, discovery.rootPaths());
        }
        case "/version" -> {
          return Replies.json(200, version());
        }
        case "/healthz", "/livez", "/readyz" -> {
          return new MockResponse()
              .setResponseCode(200)
              .setHeader("Content-Type", "text/plain; charset=utf-8")
              .setBody("ok");
        }
        case "/openapi/v2" -> {
          // An empty body is a valid, empty protobuf document: kubectl's client-side validation
          // finds no schema and passes. The type is a plain one (kubectl cannot parse the real
          // server's "...spec.v2@v1.0+protobuf", which it sends in Accept).
          return new MockResponse()
              .setResponseCode(200)
              .setHeader("Content-Type", "application/octet-stream");
        }
        case "/api" -> {
          return Replies.json(200, discovery.coreVersions(serverAddress));
        }
        case "/apis" -> {
          return Replies.json(200, discovery.groupList());
        }
        default -> {}
      }
      if (path.startsWith("/openapi/")) {
        throw ApiError.noSuchResource(); // no OpenAPI v3: clients fall back to v2
      }
      String[] s = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
      if (s.length == 2 && s[0].equals("api")) {
        return Replies.json(
            200, discovery.resourceList("", s[1]).orElseThrow(ApiError::noSuchResource));
      }
      if (s.length == 2 && s[0].equals("apis")) {
        return Replies.json(200, discovery.group(s[1]).orElseThrow(ApiError::noSuchResource));
      }
      if (s.length == 3 && s[0].equals("apis")) {
        return Replies.json(
            200, discovery.resourceList(s[1], s[2]).orElseThrow(ApiError::noSuchResource));
      }
    }
    ApiPath p = ApiPath.parse(uri);
    if (p == null) {
      throw ApiError.noSuchResource();
    }
    Discovery.ResourceType type =
        discovery.find(p.group(), p.version(), p.resource()).orElseThrow(ApiError::noSuchResource);
    if ((p.namespace() != null && !type.namespaced())
        || (p.namespace() == null && type.namespaced() && p.name() != null)
        || (p.subresource() != null && !type.subresources().contains(p.subresource()))) {
      throw ApiError.noSuchResource();
    }
    if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      return store.passThrough(request); // Fabric8's watches
    }
    return switch (request.getMethod()) {
      case "GET" -> get(p, type, request.getHeader("Accept"));
      case "POST" -> create(p, type, request);
      case "PUT" -> update(p, type, request);
      case "PATCH" -> patch(p, type, request);
      case "DELETE" -> {
        ObjectNode options = deleteOptions(request); // the body can be read once
        yield delete(
            options.path("dryRun").size() > 0 ? dryRun(p) : p, type, gracePeriod(options, p));
      }
      default -> throw ApiError.methodNotAllowed();
    };
  }

  private static ObjectNode version() {
    ObjectNode v = Json.object();
    v.put("major", "1");
    v.put("minor", "32");
    v.put("gitVersion", GIT_VERSION);
    v.put("gitCommit", "");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2025-04-22T00:00:00Z");
    v.put("goVersion", "go1.23.8");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  private MockResponse get(ApiPath p, Discovery.ResourceType type, String accept) {
    if (p.watch()) {
      String fields = p.param("fieldSelector");
      List<ObjectNode> deleted =
          store
              .deletedSince(
                  p.withName(null).collectionPath(),
                  PlainHttpWatch.parse(p.param("resourceVersion")))
              .stream()
              .map(Store.Tombstone::object)
              .toList();
      return PlainHttpWatch.answer(
          FieldSelector.filter(store.list(p.withName(null).selectorPath()), fields),
          FieldSelector.filter(deleted, fields),
          p.param("resourceVersion"));
    }
    if (p.name() != null) {
      ObjectNode object =
          store.get(p.objectPath()).orElseThrow(() -> ApiError.notFound(type, p.name()));
      if ("scale".equals(p.subresource())) {
        return Replies.json(200, Scale.of(object));
      }
      if (TableView.wanted(accept)) {
        return Replies.json(
            200,
            TableView.table(
                type,
                List.of(object),
                Json.text(object, "metadata", "resourceVersion"),
                p.param("includeObject"),
                Instant.now()));
      }
      return Replies.json(200, object);
    }
    String rv = store.resourceVersion(p.collectionPath());
    List<ObjectNode> items =
        FieldSelector.filter(store.list(p.selectorPath()), p.param("fieldSelector"));
    if (TableView.wanted(accept)) {
      return Replies.json(
          200, TableView.table(type, items, rv, p.param("includeObject"), Instant.now()));
    }
    ObjectNode list = Json.object();
    list.put("apiVersion", type.groupVersion());
    list.put("kind", type.kind() + "List");
    list.putObject("metadata").put("resourceVersion", rv);
    list.putArray("items").addAll(items);
    return Replies.json(200, list);
  }

  private MockResponse create(ApiPath p, Discovery.ResourceType type, RecordedRequest request) {
    if (p.name() != null) {
      throw ApiError.methodNotAllowed();
    }
    ObjectNode object = readBody(request);
    typeMeta(object, type);
    ObjectNode meta = Json.metadata(object);
    if (Json.text(meta, "name").isEmpty() && Json.text(meta, "generateName").isEmpty()) {
      throw ApiError.invalid(
          type.kind()
              + " \"\" is invalid: metadata.name: Required value: name or generateName is"
              + " required");
    }
    if (type.namespaced()) {
      String ns = Json.text(meta, "namespace");
      if (!ns.isEmpty() && !ns.equals(p.namespace())) {
        throw ApiError.badRequest(
            "the namespace of the provided object does not match the namespace sent on the"
                + " request");
      }
      if (store.get("/api/v1/namespaces/" + p.namespace()).isEmpty()) {
        throw ApiError.namespaceNotFound(p.namespace());
      }
      meta.put("namespace", p.namespace());
    } else {
      meta.remove("namespace");
    }
    ServerSetFields.onCreate(type, object);
    String name = Json.text(meta, "name");
    if (store.get(p.withName(name).objectPath()).isPresent()) {
      throw ApiError.alreadyExists(type, name);
    }
    if (p.dryRun()) {
      meta.put("uid", UUID.randomUUID().toString());
      meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      meta.put("generation", 1);
      return Replies.json(201, object);
    }
    return answer(store.create(p.collectionPath(), object), type, name);
  }

  private MockResponse update(ApiPath p, Discovery.ResourceType type, RecordedRequest request) {
    if (p.name() == null) {
      throw ApiError.methodNotAllowed();
    }
    ObjectNode object = readBody(request);
    typeMeta(object, type);
    ObjectNode current =
        store.get(p.objectPath()).orElseThrow(() -> ApiError.notFound(type, p.name()));
    if ("scale".equals(p.subresource())) {
      return Scale.reply(
          write(p.withoutSubresource(), type, current, Scale.apply(current, object)));
    }
    return write(p, type, current, object);
  }

  private MockResponse patch(ApiPath p, Discovery.ResourceType type, RecordedRequest request) {
    if (p.name() == null) {
      throw ApiError.methodNotAllowed();
    }
    String contentType = mediaType(request.getHeader("Content-Type"));
    String body = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    ObjectNode current = store.get(p.objectPath()).orElse(null);
    if (current == null) {
      if (contentType.equals("application/apply-patch+yaml") && p.subresource() == null) {
        // server-side apply creates what is not there yet
        ObjectNode applied = Json.parseYamlObject(body);
        Json.metadata(applied).put("name", p.name());
        return create(p.withName(null), type, jsonRequest(applied));
      }
      throw ApiError.notFound(type, p.name());
    }
    boolean scale = "scale".equals(p.subresource());
    ObjectNode target = scale ? Scale.of(current) : current;
    JsonNode patched =
        switch (contentType) {
          case "application/merge-patch+json" -> MergePatch.merge(target, Json.parse(body));
          case "application/json-patch+json" -> jsonPatch(target, body);
          case "application/strategic-merge-patch+json" -> {
            if (type.custom()) {
              throw ApiError.unsupportedMediaType();
            }
            yield MergePatch.strategic(target, Json.parse(body));
          }
          case "application/apply-patch+yaml" ->
              type.custom()
                  ? MergePatch.merge(target, Json.parseYamlObject(body))
                  : MergePatch.strategic(target, Json.parseYamlObject(body));
          default -> throw ApiError.unsupportedMediaType();
        };
    if (!(patched instanceof ObjectNode object)) {
      throw ApiError.invalid("the patch did not result in an object");
    }
    if (scale) {
      return Scale.reply(
          write(p.withoutSubresource(), type, current, Scale.apply(current, object)));
    }
    return write(p, type, current, object);
  }

  /** Stores an update of the object or of its status, or previews it on a dry run. */
  private MockResponse write(
      ApiPath p, Discovery.ResourceType type, ObjectNode current, ObjectNode updated) {
    String wanted = Json.text(updated, "metadata", "resourceVersion");
    if (!wanted.isEmpty() && !wanted.equals(Json.text(current, "metadata", "resourceVersion"))) {
      throw ApiError.conflict(type, p.name());
    }
    ObjectNode result;
    if ("status".equals(p.subresource())) {
      result = current.deepCopy();
      if (updated.has("status")) {
        result.set("status", updated.get("status").deepCopy());
      } else {
        result.remove("status");
      }
    } else {
      ServerSetFields.onUpdate(type, current, updated);
      result = updated;
    }
    if (p.dryRun()) {
      ObjectNode meta = Json.metadata(result);
      for (String kept : List.of("uid", "creationTimestamp", "resourceVersion", "generation")) {
        JsonNode v = current.path("metadata").get(kept);
        if (v != null) {
          meta.set(kept, v.deepCopy());
        }
      }
      return Replies.json(200, result);
    }
    return answer(store.update(p.storePath(), result), type, p.name());
  }

  private MockResponse delete(ApiPath p, Discovery.ResourceType type, Long grace) {
    if (p.name() == null) {
      List<ObjectNode> items =
          FieldSelector.filter(store.list(p.selectorPath()), p.param("fieldSelector"));
      if (!p.dryRun()) {
        for (ObjectNode o : items) {
          deleteObject(p.withName(Json.text(o, "metadata", "name")), type, o);
        }
      }
      ObjectNode list = Json.object();
      list.put("apiVersion", type.groupVersion());
      list.put("kind", type.kind() + "List");
      list.putObject("metadata");
      list.putArray("items").addAll(items);
      return Replies.json(200, list);
    }
    ObjectNode current =
        store.get(p.objectPath()).orElseThrow(() -> ApiError.notFound(type, p.name()));
    if (p.dryRun()) {
      return Replies.json(200, current);
    }
    if (isPod(type) && running(current)) {
      return Replies.json(200, deletePodGracefully(p, current, grace));
    }
    return Replies.json(200, deleteObject(p, type, current));
  }

  private static boolean isPod(Discovery.ResourceType type) {
    return type.kind().equals("Pod") && !type.custom();
  }

  /** A pod a kubelet runs: its deletion waits for the kubelet to stop its containers. */
  private static boolean running(ObjectNode pod) {
    String phase = Json.text(pod, "status", "phase");
    return phase.equals("Running") || phase.equals("Pending") && pod.path("status").has("podIP");
  }

  /**
   * A running pod's graceful deletion, as the real server does it: the pod is only marked (deletion
   * timestamp and grace period) and its kubelet, seeing the mark, stops the containers (SIGTERM,
   * SIGKILL after the grace) and then deletes it with grace 0, which removes it. A delete with a
   * shorter grace than a pending one shortens it. Fabric8's store removes a marked object that has
   * no finalizer, so the mark is held by {@link Store#GRACEFUL_DELETION}, a finalizer every read
   * through this server hides (its WebSocket watches show it).
   */
  private ObjectNode deletePodGracefully(ApiPath p, ObjectNode pod, Long grace) {
    long seconds =
        grace != null
            ? grace
            : pod.path("spec").has("terminationGracePeriodSeconds")
                ? pod.path("spec").path("terminationGracePeriodSeconds").asLong()
                : 30;
    JsonNode pending = pod.path("metadata").path("deletionGracePeriodSeconds");
    boolean marked = pod.path("metadata").has("deletionTimestamp");
    if (seconds == 0) {
      if (marked) {
        store.update(p.objectPath(), pod); // without the hidden finalizer: the store removes it
      }
      store.delete(p.objectPath());
      return pod;
    }
    if (marked && !pending.isMissingNode() && pending.asLong() <= seconds) {
      return pod;
    }
    ObjectNode mark = pod.deepCopy();
    ObjectNode meta = Json.metadata(mark);
    if (!marked) {
      meta.put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    meta.put("deletionGracePeriodSeconds", seconds);
    meta.withArray("finalizers").add(Store.GRACEFUL_DELETION);
    store.update(p.objectPath(), mark);
    return store.get(p.objectPath()).orElse(pod);
  }

  /** A delete's grace period: the query's, else the DeleteOptions body's, else null. */
  private static Long gracePeriod(ObjectNode options, ApiPath p) {
    String query = p.query().get("gracePeriodSeconds");
    if (query != null) {
      return Long.parseLong(query);
    }
    JsonNode body = options.path("gracePeriodSeconds");
    return body.isMissingNode() || body.isNull() ? null : body.asLong();
  }

  /**
   * Removes an object, or with finalizers only marks it (RFC 3339 timestamp: the mock's own mark is
   * a local time kubectl cannot parse). A Namespace takes its contents along and a CRD its custom
   * resources, at once rather than in the background.
   */
  private ObjectNode deleteObject(ApiPath p, Discovery.ResourceType type, ObjectNode current) {
    if (current.path("metadata").path("finalizers").size() > 0) {
      if (current.path("metadata").has("deletionTimestamp")) {
        return current;
      }
      ObjectNode marked = current.deepCopy();
      Json.metadata(marked)
          .put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
          .put("deletionGracePeriodSeconds", 0);
      return Json.parseObject(Store.body(store.update(p.objectPath(), marked)));
    }
    store.delete(p.objectPath());
    if (type.kind().equals("Namespace") && !type.custom()) {
      for (Discovery.ResourceType t : discovery.all()) {
        if (t.namespaced()) {
          deleteAll(
              new ApiPath(t.group(), t.version(), p.name(), t.plural(), null, null, Map.of()), t);
        }
      }
    } else if (type.kind().equals("CustomResourceDefinition") && !type.custom()) {
      for (Discovery.ResourceType t : Discovery.fromCrd(current)) {
        deleteAll(new ApiPath(t.group(), t.version(), null, t.plural(), null, null, Map.of()), t);
      }
    }
    return current;
  }

  private void deleteAll(ApiPath collection, Discovery.ResourceType type) {
    for (ObjectNode o : store.list(collection.collectionPath())) {
      String ns = Json.text(o, "metadata", "namespace");
      ApiPath at =
          new ApiPath(
              type.group(),
              type.version(),
              ns.isEmpty() ? null : ns,
              type.plural(),
              Json.text(o, "metadata", "name"),
              null,
              Map.of());
      deleteObject(at, type, o);
    }
  }

  /**
   * A delete's DeleteOptions body (empty when there is none): its dry run and grace period come
   * there rather than in the query.
   */
  private static ObjectNode deleteOptions(RecordedRequest request) {
    if (request.getBody() == null || request.getBody().size() == 0) {
      return Json.object();
    }
    return readBody(request);
  }

  private static ApiPath dryRun(ApiPath p) {
    Map<String, String> query = new HashMap<>(p.query());
    query.put("dryRun", "All");
    return new ApiPath(
        p.group(), p.version(), p.namespace(), p.resource(), p.name(), p.subresource(), query);
  }

  /** A store reply with real reasons: its own failures all say "Invalid". */
  private static MockResponse answer(MockResponse r, Discovery.ResourceType type, String name) {
    int code = r.code();
    if (code >= 200 && code < 300) {
      if (code == 202) {
        r.setResponseCode(200);
      }
      return Replies.withJsonType(r);
    }
    if (code == 404) {
      throw ApiError.notFound(type, name);
    }
    if (code == 409) {
      throw ApiError.conflict(type, name);
    }
    JsonNode status = Json.parse(Store.body(r).isEmpty() ? "{}" : Store.body(r));
    if (status instanceof ObjectNode s && code == 400) {
      s.put("reason", "BadRequest");
    }
    return Replies.json(code, status);
  }

  private static JsonNode jsonPatch(ObjectNode current, String body) {
    try {
      return JsonPatch.apply(Json.parse(body), current);
    } catch (RuntimeException e) {
      throw ApiError.invalid("the JSON patch could not be applied: " + e.getMessage());
    }
  }

  /** The body as JSON, whatever it came as (protobuf, YAML or JSON). */
  private static ObjectNode readBody(RecordedRequest request) {
    String contentType = mediaType(request.getHeader("Content-Type"));
    byte[] bytes = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    if (ProtobufBodies.isProtobuf(contentType)) {
      return ProtobufBodies.decode(bytes);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (contentType.contains("yaml")) {
      return Json.parseYamlObject(text);
    }
    return Json.parseObject(text);
  }

  private static RecordedRequest jsonRequest(ObjectNode body) {
    return new RecordedRequest(
        "HTTP/1.1",
        HttpMethod.POST,
        "/",
        Headers.builder().add("Content-Type", Replies.JSON).build(),
        new Buffer(Json.write(body).getBytes(StandardCharsets.UTF_8)));
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  /** A real server takes the kind and apiVersion from the path when a body leaves them out. */
  private static void typeMeta(ObjectNode object, Discovery.ResourceType type) {
    if (Json.text(object, "apiVersion").isEmpty()) {
      object.put("apiVersion", type.groupVersion());
    }
    if (Json.text(object, "kind").isEmpty()) {
      object.put("kind", type.kind());
    }
    if (!(object.get("metadata") instanceof ObjectNode)) {
      object.putObject("metadata");
    }
  }
}

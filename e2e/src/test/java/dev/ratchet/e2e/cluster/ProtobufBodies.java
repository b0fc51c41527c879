package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the Kubernetes protobuf bodies that client-go's typed clients send and never retry as JSON:
 * Helm's release Secret and {@code kubectl create secret|configmap|namespace|serviceaccount}. Only
 * those kinds are decoded (field numbers from k8s.io/api core/v1 generated.proto); any other
 * protobuf body gets a 415, so a new client path fails loudly instead of storing garbage. Replies
 * stay JSON, which those clients accept as well.
 */
final class ProtobufBodies {

  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  private ProtobufBodies() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf");
  }

  /** The object in a {@code k8s\0} envelope ({@code runtime.Unknown}) as JSON. */
  static ObjectNode decode(byte[] body) {
    if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw ApiError.badRequest("protobuf body without the k8s envelope");
    }
    Wire unknown = new Wire(body, 4, body.length);
    String apiVersion = "";
    String kind = "";
    Wire raw = null;
    while (unknown.more()) {
      int tag = unknown.tag();
      switch (tag >>> 3) {
        case 1 -> {
          Wire typeMeta = unknown.message();
          while (typeMeta.more()) {
            int t = typeMeta.tag();
            switch (t >>> 3) {
              case 1 -> apiVersion = typeMeta.string();
              case 2 -> kind = typeMeta.string();
              default -> typeMeta.skip(t);
            }
          }
        }
        case 2 -> raw = unknown.message();
        default -> unknown.skip(tag);
      }
    }
    if (raw == null) {
      throw ApiError.badRequest("protobuf envelope without an object");
    }
    ObjectNode object = Json.object();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    if (kind.equals("DeleteOptions")) {
      deleteOptions(raw, object);
      return object;
    }
    switch (apiVersion + "/" + kind) {
      case "v1/Secret" -> secret(raw, object);
      case "v1/ConfigMap" -> configMap(raw, object);
      case "v1/Namespace" -> namespace(raw, object);
      case "v1/ServiceAccount" -> serviceAccount(raw, object);
      default ->
          throw ApiError.unsupportedMediaType(
              "the test API server cannot read protobuf bodies of " + apiVersion + " " + kind);
    }
    return object;
  }

  /** meta/v1 DeleteOptions: only what changes the outcome here (dryRun 5). */
  private static void deleteOptions(Wire w, ObjectNode out) {
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 4 -> putIfSet(out, "propagationPolicy", w.string());
        case 5 -> arrayField(out, "dryRun").add(w.string());
        default -> w.skip(tag);
      }
    }
  }

  private static void secret(Wire w, ObjectNode out) {
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> out.set("metadata", objectMeta(w.message()));
        case 2 -> mapEntry(w.message(), objectField(out, "data"), true);
        case 3 -> putIfSet(out, "type", w.string());
        case 4 -> mapEntry(w.message(), objectField(out, "stringData"), false);
        case 5 -> out.put("immutable", w.varint() != 0);
        default -> w.skip(tag);
      }
    }
  }

  private static void configMap(Wire w, ObjectNode out) {
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> out.set("metadata", objectMeta(w.message()));
        case 2 -> mapEntry(w.message(), objectField(out, "data"), false);
        case 3 -> mapEntry(w.message(), objectField(out, "binaryData"), true);
        case 4 -> out.put("immutable", w.varint() != 0);
        default -> w.skip(tag);
      }
    }
  }

  private static void namespace(Wire w, ObjectNode out) {
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> out.set("metadata", objectMeta(w.message()));
        case 2 -> {
          Wire spec = w.message();
          ObjectNode s = out.putObject("spec");
          while (spec.more()) {
            int t = spec.tag();
            if (t >>> 3 == 1) {
              arrayField(s, "finalizers").add(spec.string());
            } else {
              spec.skip(t);
            }
          }
        }
        default -> w.skip(tag);
      }
    }
  }

  private static void serviceAccount(Wire w, ObjectNode out) {
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> out.set("metadata", objectMeta(w.message()));
        case 2 -> {
          // ObjectReference: kind 1, namespace 2, name 3, uid 4, apiVersion 5
          Wire ref = w.message();
          ObjectNode r = arrayField(out, "secrets").addObject();
          while (ref.more()) {
            int t = ref.tag();
            switch (t >>> 3) {
              case 1 -> putIfSet(r, "kind", ref.string());
              case 2 -> putIfSet(r, "namespace", ref.string());
              case 3 -> putIfSet(r, "name", ref.string());
              case 4 -> putIfSet(r, "uid", ref.string());
              case 5 -> putIfSet(r, "apiVersion", ref.string());
              default -> ref.skip(t);
            }
          }
        }
        case 3 -> {
          Wire ref = w.message();
          ObjectNode r = arrayField(out, "imagePullSecrets").addObject();
          while (ref.more()) {
            int t = ref.tag();
            if (t >>> 3 == 1) {
              putIfSet(r, "name", ref.string());
            } else {
              ref.skip(t);
            }
          }
        }
        case 4 -> out.put("automountServiceAccountToken", w.varint() != 0);
        default -> w.skip(tag);
      }
    }
  }

  /** meta/v1 ObjectMeta; empty strings and zero times are how Go writes "unset". */
  private static ObjectNode objectMeta(Wire w) {
    ObjectNode m = Json.object();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> putIfSet(m, "name", w.string());
        case 2 -> putIfSet(m, "generateName", w.string());
        case 3 -> putIfSet(m, "namespace", w.string());
        case 5 -> putIfSet(m, "uid", w.string());
        case 6 -> putIfSet(m, "resourceVersion", w.string());
        case 7 -> {
          long generation = w.varint();
          if (generation != 0) {
            m.put("generation", generation);
          }
        }
        case 8 -> putIfSet(m, "creationTimestamp", time(w.message()));
        case 9 -> putIfSet(m, "deletionTimestamp", time(w.message()));
        case 10 -> m.put("deletionGracePeriodSeconds", w.varint());
        case 11 -> mapEntry(w.message(), objectField(m, "labels"), false);
        case 12 -> mapEntry(w.message(), objectField(m, "annotations"), false);
        case 13 -> arrayField(m, "ownerReferences").add(ownerReference(w.message()));
        case 14 -> arrayField(m, "finalizers").add(w.string());
        default -> w.skip(tag); // selfLink, managedFields: not kept
      }
    }
    return m;
  }

  private static ObjectNode ownerReference(Wire w) {
    ObjectNode r = Json.object();
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> putIfSet(r, "kind", w.string());
        case 3 -> putIfSet(r, "name", w.string());
        case 4 -> putIfSet(r, "uid", w.string());
        case 5 -> putIfSet(r, "apiVersion", w.string());
        case 6 -> r.put("controller", w.varint() != 0);
        case 7 -> r.put("blockOwnerDeletion", w.varint() != 0);
        default -> w.skip(tag);
      }
    }
    return r;
  }

  /** meta/v1 Time: seconds 1, nanos 2; an empty message is the zero time (unset). */
  private static String time(Wire w) {
    long seconds = 0;
    boolean set = false;
    while (w.more()) {
      int tag = w.tag();
      if (tag >>> 3 == 1) {
        seconds = w.varint();
        set = true;
      } else {
        w.skip(tag);
      }
    }
    return set ? Instant.ofEpochSecond(seconds).toString() : "";
  }

  /** A map entry (key 1, value 2); bytes values become base64 as in JSON. */
  private static void mapEntry(Wire w, ObjectNode target, boolean bytesValue) {
    String key = "";
    byte[] value = new byte[0];
    while (w.more()) {
      int tag = w.tag();
      switch (tag >>> 3) {
        case 1 -> key = w.string();
        case 2 -> value = w.bytes();
        default -> w.skip(tag);
      }
    }
    target.put(
        key,
        bytesValue
            ? Base64.getEncoder().encodeToString(value)
            : new String(value, StandardCharsets.UTF_8));
  }

  private static ObjectNode objectField(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }

  private static ArrayNode arrayField(ObjectNode parent, String name) {
    return parent.get(name) instanceof ArrayNode a ? a : parent.putArray(name);
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (!value.isEmpty()) {
      node.put(field, value);
    }
  }

  /** The protobuf wire format, as much as these messages need. */
  private static final class Wire {
    private final byte[] b;
    private int pos;
    private final int end;

    Wire(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw ApiError.badRequest("truncated protobuf body");
        }
        byte x = b[pos++];
        result |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return result;
        }
      }
      throw ApiError.badRequest("malformed protobuf varint");
    }

    byte[] bytes() {
      int len = (int) varint();
      if (len < 0 || pos + len > end) {
        throw ApiError.badRequest("truncated protobuf body");
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + len);
      pos += len;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Wire message() {
      int len = (int) varint();
      if (len < 0 || pos + len > end) {
        throw ApiError.badRequest("truncated protobuf body");
      }
      Wire sub = new Wire(b, pos, pos + len);
      pos += len;
      return sub;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> bytes();
        case 5 -> pos += 4;
        default -> throw ApiError.badRequest("unsupported protobuf wire type " + (tag & 7));
      }
    }
  }
}

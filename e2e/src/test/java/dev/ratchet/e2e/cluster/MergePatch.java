package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merge patches a real server applies. The bare mock merges with Jackson's readerForUpdating,
 * which appends arrays ({@code [64,64]} + {@code [32]} gives {@code [64,64,32]}) and stores nulls:
 * RFC 7386 replaces arrays and deletes on null, which is what {@code kubectl patch --type merge}
 * and {@code kubectl apply} (on custom resources) rely on. Strategic merge (built-in types only) is
 * approximated: lists of the usual keyed fields merge by their key, {@code $patch}, {@code
 * $retainKeys} and {@code $deleteFromPrimitiveList} directives are honoured, other lists are
 * replaced; the real per-field schema is not consulted.
 */
final class MergePatch {

  /** Keyed lists of the built-in types (their patchMergeKey). */
  private static final Map<String, String> MERGE_KEYS =
      Map.ofEntries(
          Map.entry("containers", "name"),
          Map.entry("initContainers", "name"),
          Map.entry("ephemeralContainers", "name"),
          Map.entry("env", "name"),
          Map.entry("volumes", "name"),
          Map.entry("imagePullSecrets", "name"),
          Map.entry("volumeMounts", "mountPath"),
          Map.entry("volumeDevices", "devicePath"),
          Map.entry("conditions", "type"),
          Map.entry("ownerReferences", "uid"),
          Map.entry("hostAliases", "ip"));

  /** Primitive lists whose strategy is merge (a union), not replace. */
  private static final Set<String> MERGED_PRIMITIVE_LISTS = Set.of("finalizers");

  private MergePatch() {}

  /** RFC 7386 JSON merge patch. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? target.deepCopy() : Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  /** Strategic merge patch, approximated as described on the class. Null means "delete me". */
  static JsonNode strategic(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    String directive = patch.path("$patch").asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      return withoutDirectives((ObjectNode) patch);
    }
    ObjectNode result = target != null && target.isObject() ? target.deepCopy() : Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.startsWith("$deleteFromPrimitiveList/")) {
        String field = key.substring("$deleteFromPrimitiveList/".length());
        if (result.get(field) instanceof ArrayNode list) {
          Set<JsonNode> gone = new HashSet<>();
          value.forEach(gone::add);
          result.set(field, filter(list, v -> !gone.contains(v)));
        }
        continue;
      }
      if (key.startsWith("$")) {
        continue; // $patch, $retainKeys (below), $setElementOrder/...: order is not kept
      }
      if (value.isNull()) {
        result.remove(key);
      } else if (value.isArray() && result.get(key) instanceof ArrayNode current) {
        result.set(key, mergeList(key, current, (ArrayNode) value));
      } else if (value.isObject()) {
        JsonNode merged = strategic(result.get(key), value);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else {
        result.set(key, value.deepCopy());
      }
    }
    if (patch.get("$retainKeys") instanceof ArrayNode retain) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      result.retain(keep);
    }
    return result;
  }

  private static ArrayNode mergeList(String field, ArrayNode current, ArrayNode patch) {
    boolean objects = patch.size() > 0;
    for (JsonNode p : patch) {
      objects &= p.isObject();
    }
    if (objects) {
      for (JsonNode p : patch) {
        if (p.path("$patch").asText("").equals("replace")) {
          return filter(patch, n -> !n.has("$patch"));
        }
      }
      String key = mergeKey(field, patch);
      if (key != null) {
        ArrayNode result = current.deepCopy();
        for (JsonNode p : patch) {
          JsonNode id = p.get(key);
          int at = indexOf(result, key, id);
          if (p.path("$patch").asText("").equals("delete")) {
            if (at >= 0) {
              result.remove(at);
            }
          } else if (at >= 0) {
            result.set(at, strategic(result.get(at), p));
          } else {
            result.add(withoutDirectives((ObjectNode) p));
          }
        }
        return result;
      }
    } else if (MERGED_PRIMITIVE_LISTS.contains(field)) {
      ArrayNode result = current.deepCopy();
      for (JsonNode p : patch) {
        if (!contains(result, p)) {
          result.add(p.deepCopy());
        }
      }
      return result;
    }
    return patch.deepCopy();
  }

  /** Container ports merge on containerPort, Service ports on port. */
  private static String mergeKey(String field, ArrayNode patch) {
    if (field.equals("ports")) {
      return patch.get(0).has("containerPort") ? "containerPort" : "port";
    }
    return MERGE_KEYS.get(field);
  }

  private static int indexOf(ArrayNode list, String key, JsonNode id) {
    for (int i = 0; i < list.size(); i++) {
      if (id != null && id.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode n : list) {
      if (n.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static ArrayNode filter(ArrayNode list, java.util.function.Predicate<JsonNode> keep) {
    List<JsonNode> kept = new ArrayList<>();
    list.forEach(
        n -> {
          if (keep.test(n)) {
            kept.add(n.deepCopy());
          }
        });
    ArrayNode out = Json.array();
    out.addAll(kept);
    return out;
  }

  private static ObjectNode withoutDirectives(ObjectNode node) {
    ObjectNode copy = node.deepCopy();
    List<String> directives = new ArrayList<>();
    copy.fieldNames()
        .forEachRemaining(
            f -> {
              if (f.startsWith("$")) {
                directives.add(f);
              }
            });
    copy.remove(directives);
    return copy;
  }
}

package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesVersionPriority;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents ({@code /api}, {@code /apis}, {@code /apis/GROUP/VERSION}) kubectl and
 * Helm map kinds to paths with. The bare mock answers them with object lists, so both clients stop
 * at {@code no matches for kind}. Built-in types come from a fixed table, custom ones from the
 * CustomResourceDefinitions in the store at the time of the request (kind, plural, singular, short
 * names, scope, status subresource, printer columns; not the scale subresource). Aggregated
 * discovery is not offered: both clients fall back to these per-group documents when the reply is
 * plain JSON.
 */
final class Discovery {

  /** A resource the server serves, with what its discovery entry and its table need. */
  record ResourceType(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> subresources,
      List<String> categories,
      List<PrinterColumn> columns,
      boolean custom) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** How messages name the resource: {@code secrets}, {@code trainingruns.ratchet.dev}. */
    String qualified() {
      return group.isEmpty() ? plural : plural + "." + group;
    }

    boolean hasStatus() {
      return subresources.contains("status");
    }
  }

  /** One of a CRD version's {@code additionalPrinterColumns}. */
  record PrinterColumn(
      String name, String type, String format, String jsonPath, int priority, String description) {}

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** Built-in types {@code kubectl get all} lists. */
  private static final List<String> IN_ALL =
      List.of(
          "pods",
          "services",
          "replicationcontrollers",
          "daemonsets",
          "deployments",
          "replicasets",
          "statefulsets",
          "jobs",
          "cronjobs",
          "horizontalpodautoscalers");

  /** The built-in resources a user session or the chart touches, with their short names. */
  static final List<ResourceType> BUILT_IN =
      List.of(
          builtIn("", "v1", "configmaps", "ConfigMap", true, "cm"),
          builtIn("", "v1", "endpoints", "Endpoints", true, "ep"),
          builtIn("", "v1", "events", "Event", true, "ev"),
          builtIn("", "v1", "limitranges", "LimitRange", true, "limits"),
          builtIn("", "v1", "namespaces", "Namespace", false, "ns", "status", "finalize"),
          builtIn("", "v1", "nodes", "Node", false, "no", "status"),
          builtIn(
              "", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", "status"),
          builtIn("", "v1", "persistentvolumes", "PersistentVolume", false, "pv", "status"),
          builtIn("", "v1", "pods", "Pod", true, "po", "status", "log"),
          builtIn("", "v1", "podtemplates", "PodTemplate", true, ""),
          builtIn(
              "", "v1", "replicationcontrollers", "ReplicationController", true, "rc", "status"),
          builtIn("", "v1", "resourcequotas", "ResourceQuota", true, "quota", "status"),
          builtIn("", "v1", "secrets", "Secret", true, ""),
          builtIn("", "v1", "serviceaccounts", "ServiceAccount", true, "sa"),
          builtIn("", "v1", "services", "Service", true, "svc", "status"),
          builtIn("apps", "v1", "controllerrevisions", "ControllerRevision", true, ""),
          builtIn("apps", "v1", "daemonsets", "DaemonSet", true, "ds", "status"),
          builtIn("apps", "v1", "deployments", "Deployment", true, "deploy", "status", "scale"),
          builtIn("apps", "v1", "replicasets", "ReplicaSet", true, "rs", "status", "scale"),
          builtIn("apps", "v1", "statefulsets", "StatefulSet", true, "sts", "status", "scale"),
          builtIn("batch", "v1", "cronjobs", "CronJob", true, "cj", "status"),
          builtIn("batch", "v1", "jobs", "Job", true, "", "status"),
          builtIn(
              "autoscaling",
              "v2",
              "horizontalpodautoscalers",
              "HorizontalPodAutoscaler",
              true,
              "hpa",
              "status"),
          builtIn(
              "policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", "status"),
          builtIn("networking.k8s.io", "v1", "ingresses", "Ingress", true, "ing", "status"),
          builtIn("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, ""),
          builtIn("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "netpol"),
          builtIn("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, "sc"),
          builtIn("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, "pc"),
          builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, ""),
          builtIn("events.k8s.io", "v1", "events", "Event", true, "ev"),
          builtIn(
              "rbac.authorization.k8s.io",
              "v1",
              "clusterrolebindings",
              "ClusterRoleBinding",
              false,
              ""),
          builtIn("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, ""),
          builtIn("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, ""),
          builtIn("rbac.authorization.k8s.io", "v1", "roles", "Role", true, ""),
          builtIn(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "crd,crds",
              "status"));

  static final ApiPath CRD_LIST =
      ApiPath.parse("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");

  private final Store store;

  Discovery(Store store) {
    this.store = store;
  }

  private static ResourceType builtIn(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      String shortNames,
      String... subresources) {
    return new ResourceType(
        group,
        version,
        plural,
        kind.toLowerCase(Locale.ROOT),
        kind,
        namespaced,
        shortNames.isEmpty() ? List.of() : List.of(shortNames.split(",")),
        List.of(subresources),
        IN_ALL.contains(plural) && !group.equals("events.k8s.io") ? List.of("all") : List.of(),
        List.of(),
        false);
  }

  /** Built-ins, then every served version of every stored CRD. */
  List<ResourceType> all() {
    List<ResourceType> types = new ArrayList<>(BUILT_IN);
    for (ObjectNode crd : store.list(CRD_LIST.collectionPath())) {
      types.addAll(fromCrd(crd));
    }
    return types;
  }

  Optional<ResourceType> find(String group, String version, String plural) {
    return all().stream()
        .filter(
            t ->
                t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
        .findFirst();
  }

  static List<ResourceType> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String kind = names.path("kind").asText();
    String singular =
        names.hasNonNull("singular")
            ? names.get("singular").asText()
            : kind.toLowerCase(Locale.ROOT);
    List<String> shortNames = new ArrayList<>();
    names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
    List<String> categories = new ArrayList<>();
    names.path("categories").forEach(n -> categories.add(n.asText()));
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(true)) {
        continue;
      }
      List<String> sub = new ArrayList<>();
      if (v.path("subresources").has("status")) {
        sub.add("status");
      }
      List<PrinterColumn> columns = new ArrayList<>();
      for (JsonNode c : v.path("additionalPrinterColumns")) {
        columns.add(
            new PrinterColumn(
                c.path("name").asText(),
                c.path("type").asText("string"),
                c.path("format").asText(""),
                c.path("jsonPath").asText(),
                c.path("priority").asInt(0),
                c.path("description").asText("")));
      }
      types.add(
          new ResourceType(
              spec.path("group").asText(),
              v.path("name").asText(),
              names.path("plural").asText(),
              singular,
              kind,
              !"Cluster".equals(spec.path("scope").asText()),
              List.copyOf(shortNames),
              List.copyOf(sub),
              List.copyOf(categories),
              List.copyOf(columns),
              true));
    }
    return types;
  }

  /** {@code GET /}: the paths a real server lists. */
  ObjectNode rootPaths() {
    ObjectNode root = Json.object();
    ArrayNode paths = root.putArray("paths");
    paths.add("/api").add("/api/v1").add("/apis");
    groups()
        .forEach(
            (group, versions) -> {
              paths.add("/apis/" + group);
              versions.forEach(v -> paths.add("/apis/" + group + "/" + v));
            });
    paths.add("/healthz").add("/livez").add("/readyz").add("/openapi/v2").add("/version");
    return root;
  }

  /** {@code GET /api}. */
  ObjectNode coreVersions(String serverAddress) {
    ObjectNode doc = Json.object();
    doc.put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return doc;
  }

  /** {@code GET /apis}. */
  ObjectNode groupList() {
    ObjectNode doc = Json.object();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    groups().forEach((group, versions) -> groups.add(group(group, versions)));
    return doc;
  }

  /** {@code GET /apis/GROUP}, or empty for a group nobody serves. */
  Optional<ObjectNode> group(String name) {
    List<String> versions = groups().get(name);
    if (versions == null) {
      return Optional.empty();
    }
    ObjectNode g = group(name, versions);
    g.put("kind", "APIGroup");
    g.put("apiVersion", "v1");
    return Optional.of(g);
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode g = Json.object();
    g.put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion")
        .put("groupVersion", name + "/" + versions.get(0))
        .put("version", versions.get(0));
    return g;
  }

  /** Group name to its versions, the preferred (highest priority) first. */
  private Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ResourceType t : all()) {
      if (t.group().isEmpty()) {
        continue;
      }
      List<String> vs = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!vs.contains(t.version())) {
        vs.add(t.version());
      }
    }
    groups.replaceAll((g, vs) -> KubernetesVersionPriority.sortByPriority(vs, v -> v));
    return groups;
  }

  /** {@code GET /api/v1} or {@code /apis/GROUP/VERSION}, or empty when not served. */
  Optional<ObjectNode> resourceList(String group, String version) {
    List<ResourceType> types =
        all().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    if (types.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = Json.object();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", types.get(0).groupVersion());
    ArrayNode resources = doc.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      VERBS.forEach(r.putArray("verbs")::add);
      if (!t.shortNames().isEmpty()) {
        t.shortNames().forEach(r.putArray("shortNames")::add);
      }
      if (!t.categories().isEmpty()) {
        t.categories().forEach(r.putArray("categories")::add);
      }
      for (String sub : t.subresources()) {
        ObjectNode s = resources.addObject();
        s.put("name", t.plural() + "/" + sub);
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("kind", sub.equals("scale") ? "Scale" : t.kind());
        if (sub.equals("scale")) {
          s.put("group", "autoscaling");
          s.put("version", "v1");
        }
        Arrays.asList("get", "patch", "update").forEach(s.putArray("verbs")::add);
      }
    }
    return Optional.of(doc);
  }
}

package dev.ratchet.e2e.cluster;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A resource request's path split as the API server routes it (group, version, namespace, resource,
 * name, subresource) plus its query. The wrapped mock matches whole paths, query included, so
 * clients' extra parameters ({@code ?fieldManager=kubectl-patch}, {@code ?timeout=32s}, {@code
 * ?dryRun=All}) broke its routing; here they are read and then dropped.
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    Map<String, String> query) {

  /** Subresources of a Namespace itself, not namespaced resources called so. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** The resource path of {@code uri}, or null for anything else (discovery, /version, ...). */
  static ApiPath parse(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : parseQuery(uri.substring(q + 1));
    String[] s = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
    String group;
    String version;
    int rest;
    if (s.length >= 3 && s[0].equals("api")) {
      group = "";
      version = s[1];
      rest = 2;
    } else if (s.length >= 4 && s[0].equals("apis")) {
      group = s[1];
      version = s[2];
      rest = 3;
    } else {
      return null;
    }
    String[] r = Arrays.copyOfRange(s, rest, s.length);
    boolean namespaceItself =
        group.isEmpty()
            && r[0].equals("namespaces")
            && (r.length <= 2 || (r.length == 3 && NAMESPACE_SUBRESOURCES.contains(r[2])));
    if (r[0].equals("namespaces") && !namespaceItself) {
      if (r.length < 3) {
        return null;
      }
      return new ApiPath(group, version, r[1], r[2], at(r, 3), tail(r, 4), Map.copyOf(query));
    }
    return new ApiPath(group, version, null, r[0], at(r, 1), tail(r, 2), Map.copyOf(query));
  }

  private static String at(String[] r, int i) {
    return i < r.length ? r[i] : null;
  }

  private static String tail(String[] r, int i) {
    return i < r.length ? String.join("/", Arrays.copyOfRange(r, i, r.length)) : null;
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(decode(key), decode(value));
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  String param(String key) {
    return query.get(key);
  }

  boolean dryRun() {
    return query.containsKey("dryRun");
  }

  boolean watch() {
    String w = query.get("watch");
    return w != null && (w.equals("true") || w.equals("1"));
  }

  private String prefix() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  String collectionPath() {
    return prefix() + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + resource;
  }

  String objectPath() {
    return collectionPath() + "/" + name;
  }

  /** The path the wrapped store is given: no query, so its status-path check sees the path. */
  String storePath() {
    String p = name == null ? collectionPath() : objectPath();
    return subresource == null ? p : p + "/" + subresource;
  }

  /** The collection path with the label selector (field selectors are applied by the server). */
  String selectorPath() {
    StringBuilder p = new StringBuilder(name == null ? collectionPath() : objectPath());
    String sep = "?";
    for (String key : new String[] {"labelSelector"}) {
      String value = query.get(key);
      if (value != null && !value.isEmpty()) {
        p.append(sep)
            .append(key)
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        sep = "&";
      }
    }
    return p.toString();
  }

  ApiPath withoutSubresource() {
    return new ApiPath(group, version, namespace, resource, name, null, query);
  }

  ApiPath withName(String newName) {
    return new ApiPath(group, version, namespace, resource, newName, subresource, query);
  }
}

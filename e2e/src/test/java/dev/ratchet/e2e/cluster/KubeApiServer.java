package dev.ratchet.e2e.cluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API server for tests that the real kubectl and the real Helm can drive a whole
 * session against: Fabric8's mock server in CRUD mode (the object store, its resource versions and
 * its WebSocket watches) with a dispatcher in front that fixes what the bare mock gets wrong for
 * those clients. Plain HTTP, no credentials.
 *
 * <p>What it emulates:
 *
 * <ul>
 *   <li>discovery ({@code /api}, {@code /apis}, per group and version) for the usual built-in types
 *       and every served version of the stored CRDs (kind, plural, singular, short names, scope,
 *       subresources); the aggregated discovery requests get the per-group documents, which both
 *       clients fall back to;
 *   <li>{@code /version} (with or without a query; {@value ApiServerDispatcher#GIT_VERSION}), an
 *       empty {@code /openapi/v2} (kubectl's default validation passes), no OpenAPI v3, {@code
 *       /healthz};
 *   <li>CRUD with the query string read, not matched ({@code fieldManager}, {@code timeout}), label
 *       selectors and {@code metadata.name}/{@code metadata.namespace} field selectors, lists typed
 *       as {@code KindList};
 *   <li>the status subresource (writes to it change only the status, writes to the object leave the
 *       status alone), RFC 7386 merge patch, JSON patch, a strategic merge patch for built-in types
 *       (approximate: keyed lists of the usual fields) and 415 for it on custom resources,
 *       server-side apply as a merge of the applied object (creating it when missing);
 *   <li>{@code dryRun=All} previews every write without storing it;
 *   <li>protobuf bodies of Secret, ConfigMap, Namespace and ServiceAccount (Helm's release Secret,
 *       {@code kubectl create secret|configmap|namespace|serviceaccount});
 *   <li>server-set fields: CRDs Established at once, Namespace phase Active and name label, Secret
 *       {@code stringData} folded into {@code data}, {@code generateName};
 *   <li>real reasons and messages: NotFound, AlreadyExists, Conflict, namespace not found on
 *       create, "the server could not find the requested resource" for unserved types;
 *   <li>{@code meta.k8s.io/v1} Tables for {@code kubectl get}, with the CRDs' printer columns;
 *   <li>deletion honouring finalizers; deleting a Namespace deletes its contents and deleting a CRD
 *       its custom resources (at once);
 *   <li>watches over plain HTTP answered as a one-second poll (see {@link PlainHttpWatch}).
 * </ul>
 *
 * <p>What it does NOT emulate:
 *
 * <ul>
 *   <li>schema enforcement, defaulting, pruning or validation of any type (a CRD's openAPIV3Schema
 *       is not applied; enum, minimum and required are not checked), CRD version conversion;
 *   <li>watches over plain HTTP that stay open: {@code kubectl get -w} ends after the list;
 *   <li>controllers: no Deployment rollouts, ReplicaSets or Pods, no garbage collection through
 *       ownerReferences, no ClusterIP allocation, no ServiceAccount tokens; {@code helm install
 *       --wait} and {@code kubectl rollout status} cannot succeed;
 *   <li>server-side apply's field ownership (fields left out of an applied object are not removed,
 *       no managedFields, no conflicts), the real strategic-merge schema and {@code
 *       $setElementOrder};
 *   <li>authentication, authorization (RBAC objects are only stored), admission, quotas;
 *   <li>field selectors other than name and namespace, pagination ({@code limit}/{@code continue}
 *       are ignored), {@code resourceVersion} semantics of reads;
 *   <li>built-in types outside the fixed discovery table, aggregated APIs, exec, logs,
 *       port-forward, HTTPS and HTTP/2.
 * </ul>
 */
public final class KubeApiServer implements AutoCloseable {

  /** The namespaces a new cluster has. */
  private static final List<String> INITIAL_NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final KubernetesMockServer server;
  private final String url;
  private final KubernetesClient client;

  private KubeApiServer(KubernetesMockServer server, String url) {
    this.server = server;
    this.url = url;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(url)
                    .withNamespace("default")
                    .withHttp2Disable(true)
                    .build())
            .build();
  }

  /** On 127.0.0.1, for kubectl, Helm and Fabric8 clients on this machine. */
  public static KubeApiServer start() {
    return start("127.0.0.1");
  }

  /**
   * On {@code host} (for example a pod network's gateway, so that containers reach it; {@code
   * 0.0.0.0} for every address, the URL then naming 127.0.0.1), on a free port.
   */
  public static KubeApiServer start(String host) {
    ApiServerDispatcher dispatcher = new ApiServerDispatcher(new KubernetesCrudDispatcher());
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    try {
      server.start(InetAddress.getByName(host), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String urlHost =
        host.equals("0.0.0.0") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    String hostPort = urlHost + ":" + server.getPort();
    dispatcher.serverAddress(hostPort);
    KubeApiServer api = new KubeApiServer(server, "http://" + hostPort);
    for (String ns : INITIAL_NAMESPACES) {
      api.client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    return api;
  }

  /** The server's base URL, {@code http://HOST:PORT}. */
  public String url() {
    return url;
  }

  /** A Fabric8 client for this server (default namespace "default"). */
  public KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig (mode 600, as Helm wants it) whose current context is this server. */
  public Path writeKubeconfig(Path file) {
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: ratchet-test",
            "  cluster:",
            "    server: " + url,
            "contexts:",
            "- name: ratchet-test",
            "  context:",
            "    cluster: ratchet-test",
            "    user: ratchet-test",
            "    namespace: default",
            "current-context: ratchet-test",
            "users:",
            "- name: ratchet-test",
            "  user: {}",
            "");
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, kubeconfig);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}

package dev.ratchet.cli.runs;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The API server the cluster verbs talk to, found as kubectl finds it, and where its address came
 * from (KUBERNETES_MASTER, a kubeconfig, a pod's service account), so that a cluster out of reach
 * is named with the cause in one line. The client's timeouts are short and it does not retry: an
 * unreachable cluster is reported in seconds rather than after Fabric8's 20 s of backoff.
 *
 * @param config the client configuration, with this command's timeouts
 * @param origin where the address came from, for messages, e.g. "from kubeconfig ~/.kube/config"
 */
public record ClusterConnection(Config config, String origin) {

  /** A TCP connection to an API server that is up takes milliseconds; two seconds is generous. */
  static final int CONNECT_TIMEOUT_MS = 2_000;

  /** Reading or patching one object takes well under a second on a healthy API server. */
  static final int REQUEST_TIMEOUT_MS = 10_000;

  private static final String MASTER_PROPERTY = Config.KUBERNETES_MASTER_SYSTEM_PROPERTY;
  private static final String MASTER_ENV = "KUBERNETES_MASTER";

  /**
   * The cluster the current kubeconfig (KUBECONFIG, else ~/.kube/config) or KUBERNETES_MASTER
   * points at, or the pod's own cluster. When none is configured it says so at once, without trying
   * Fabric8's default address (kubernetes.default.svc), which only resolves in a pod.
   */
  public static ClusterConnection find() throws RunSourceException {
    Config config;
    try {
      config = Config.autoConfigure(null);
    } catch (RuntimeException e) {
      throw new RunSourceException(
          "cannot read the kubeconfig "
              + String.join(", ", Config.getKubeconfigFilenames())
              + ": "
              + rootMessage(e));
    }
    String master = System.getProperty(MASTER_PROPERTY, System.getenv(MASTER_ENV));
    String origin;
    if (master != null && !master.isBlank()) {
      origin = "from " + MASTER_ENV;
    } else if (config.getFile() != null) {
      origin =
          "from kubeconfig "
              + config.getFile()
              + (config.getCurrentContext() == null
                  ? ""
                  : ", context " + config.getCurrentContext().getName());
    } else if (System.getenv(Config.KUBERNETES_SERVICE_HOST_PROPERTY) != null) {
      origin = "from this pod's service account";
    } else {
      throw new RunSourceException(
          "no Kubernetes cluster to ask: no kubeconfig found (looked at "
              + String.join(", ", Config.getKubeconfigFilenames())
              + ") and "
              + MASTER_ENV
              + " is not set; point KUBECONFIG at a cluster's kubeconfig, or read a local run"
              + " with --workdir DIR");
    }
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
    config.setRequestRetryBackoffLimit(0);
    return new ClusterConnection(config, origin);
  }

  /** A connection to the cluster a client is already configured for (its origin unknown). */
  static ClusterConnection of(KubernetesClient client) {
    return new ClusterConnection(client.getConfiguration(), "as configured");
  }

  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The namespace of the kubeconfig's context, else {@code default}, as kubectl picks it. */
  public String namespace() {
    String namespace = config.getNamespace();
    return namespace == null || namespace.isBlank() ? "default" : namespace;
  }

  /**
   * What went wrong with a request, in one line: the API server, where its address came from and
   * the cause when it could not be reached, else the API server's own message (forbidden, invalid).
   */
  RunSourceException failure(String whatFailed, KubernetesClientException e) {
    String cause = connectionProblem(e);
    if (cause != null) {
      return new RunSourceException(
          "cannot reach the Kubernetes API server "
              + config.getMasterUrl()
              + " ("
              + origin
              + ") to "
              + whatFailed
              + ": "
              + cause);
    }
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : rootMessage(e);
    return new RunSourceException("cannot " + whatFailed + ": " + message);
  }

  /** The reason a request never got an answer, or null when the API server answered. */
  private String connectionProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException
          || t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        boolean connecting =
            t instanceof ConnectException
                || t.getClass().getSimpleName().contains("Connect")
                || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
        return "no answer within "
            + (connecting
                ? CONNECT_TIMEOUT_MS / 1000 + " s (connection timeout)"
                : REQUEST_TIMEOUT_MS / 1000 + " s (request timeout)");
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + host();
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host " + host();
      }
      if (t instanceof ConnectException) {
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("refused")
            ? "connection refused"
            : message.isEmpty() ? "cannot connect" : message;
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed: " + rootMessage(t);
      }
    }
    return null;
  }

  private String host() {
    try {
      String host = URI.create(config.getMasterUrl()).getHost();
      return host == null ? config.getMasterUrl() : host;
    } catch (IllegalArgumentException e) {
      return config.getMasterUrl();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
    return message != null ? message : root.getClass().getSimpleName();
  }
}

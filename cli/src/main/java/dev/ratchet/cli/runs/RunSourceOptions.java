package dev.ratchet.cli.runs;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the run verbs look for a run: the current kubeconfig's cluster, or a local workdir. */
public final class RunSourceOptions {

  @Option(
      names = {"-n", "--namespace"},
      description = "Namespace of the run (default: the kubeconfig's current namespace).")
  String namespace;

  @Option(
      names = "--workdir",
      description = "Read a local-mode run from this workdir instead of a cluster.")
  Path workdir;

  @Option(
      names = "--s3-endpoint",
      description =
          "S3 endpoint to read checkpoints and records from, when the spec's is only reachable"
              + " inside the cluster (e.g. http://127.0.0.1:9000 after kubectl port-forward).")
  String s3Endpoint;

  /** Opens the source these options name. */
  public RunSource open() {
    if (workdir != null) {
      return new LocalRunSource(workdir);
    }
    // The current kubeconfig (KUBECONFIG or ~/.kube/config), as kubectl uses it.
    KubernetesClient client = new KubernetesClientBuilder().build();
    String ns = namespace != null ? namespace : client.getNamespace();
    return new ClusterRunSource(client, ns != null ? ns : "default", s3Endpoint);
  }
}

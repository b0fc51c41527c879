package dev.ratchet.cli.runs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the run verbs look for a run: the current kubeconfig's cluster, or a local workdir. */
public final class RunSourceOptions {

  /** The workdir {@code ratchet local run} uses unless given {@code --workdir}. */
  static final String DEFAULT_LOCAL_WORKDIR = ".ratchet";

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

  /**
   * Opens the source these options name: a workdir relative to {@code currentDirectory}, or a
   * cluster found as kubectl finds it.
   */
  public RunSource open(Path currentDirectory) throws RunSourceException {
    if (workdir != null) {
      return new LocalRunSource(currentDirectory.resolve(workdir));
    }
    ClusterConnection cluster = ClusterConnection.find();
    return new ClusterRunSource(
        cluster, namespace != null ? namespace : cluster.namespace(), s3Endpoint);
  }

  /** Whether the run is read from a cluster rather than a workdir. */
  boolean cluster() {
    return workdir == null;
  }

  /** The options as the user gave them, to repeat in a command suggested to them. */
  List<String> given() {
    List<String> words = new ArrayList<>();
    if (workdir != null) {
      words.addAll(List.of("--workdir", workdir.toString()));
    }
    if (namespace != null) {
      words.addAll(List.of("-n", namespace));
    }
    if (s3Endpoint != null) {
      words.addAll(List.of("--s3-endpoint", s3Endpoint));
    }
    return words;
  }

  /** Names of the options that only mean something for a run in a cluster. */
  static boolean clusterOnly(String optionName) {
    return List.of("-n", "--namespace", "--s3-endpoint").contains(optionName);
  }
}

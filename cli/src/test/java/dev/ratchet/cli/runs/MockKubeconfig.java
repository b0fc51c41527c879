package dev.ratchet.cli.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kubeconfig kubectl would use for a test's mock API server, and the verbs read instead. */
final class MockKubeconfig {

  private MockKubeconfig() {}

  /**
   * Writes a kubeconfig at {@code file} whose only cluster is {@code server}, with {@code
   * namespace} as the current one, and points the verbs at it (the {@code kubeconfig} property).
   */
  static Path use(Path file, String server, String namespace) throws IOException {
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        contexts:
        - name: mock
          context: {cluster: mock, namespace: %s, user: me}
        current-context: mock
        users:
        - name: me
          user: {token: test}
        """
            .formatted(server, namespace));
    System.setProperty("kubeconfig", file.toString());
    return file;
  }
}

package dev.ratchet.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The packaged operator as a child process, talking to the mock API server as a cluster's. */
final class PackagedOperator {

  private PackagedOperator() {}

  /**
   * Starts the operator on {@code port}, watching {@code namespace} of the API server at {@code
   * master}, with extra {@code -D} settings (e.g. {@code ratchet.storage.endpoint}).
   */
  static ChildProcess start(
      String master, String namespace, int port, List<String> settings, Path log)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.add("-Dquarkus.http.port=" + port);
    // Fabric8's own settings, as a kubeconfig would give them outside a cluster.
    args.add("-Dkubernetes.master=" + master);
    args.add("-Dkubernetes.namespace=" + namespace);
    args.add("-Dkubernetes.auth.tryKubeConfig=false");
    args.add("-Dquarkus.operator-sdk.namespaces=" + namespace);
    args.add("-Dquarkus.log.level=WARN");
    settings.forEach(s -> args.add("-D" + s));
    args.add("-jar");
    args.add(Artifacts.operatorJar().toString());
    return ChildProcess.java("operator", args, log);
  }

  /** Waits until the operator answers ready on /q/health/ready. */
  static void awaitReady(ChildProcess operator, int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (!operator.alive()) {
        throw new AssertionError("the operator exited\n" + operator.tail(60));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the operator is not ready after 90 s\n" + operator.tail(60));
  }
}

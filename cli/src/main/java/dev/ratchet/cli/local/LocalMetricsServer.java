package dev.ratchet.cli.local;

import com.sun.net.httpserver.HttpServer;
import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * One local {@code /metrics} port for a Prometheus to scrape: the running trainer's series and the
 * supervisor's, in the names the cluster uses.
 */
final class LocalMetricsServer implements AutoCloseable {

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Binds the port now, so a busy port is reported before anything starts. */
  LocalMetricsServer(
      int port, String run, Supplier<TrainingRunStatus> status, IntSupplier trainerPort)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          StringBuilder body = new StringBuilder(trainerMetrics(trainerPort.getAsInt()));
          TrainingRunStatus s = status.get();
          if (s != null && s.state != null) {
            body.append(
                String.format(
                    Locale.ROOT,
                    "# TYPE %s gauge%n%s{namespace=\"local\",run=\"%s\",state=\"%s\",phase=\"%s\"} 1%n",
                    MetricNames.TRAININGRUN_INFO,
                    MetricNames.TRAININGRUN_INFO,
                    run,
                    s.state.label(),
                    s.phase == null ? "" : s.phase));
            if (s.rollbacks != null) {
              body.append(
                  String.format(
                      Locale.ROOT,
                      "# TYPE %s gauge%n%s{namespace=\"local\",run=\"%s\"} %d%n",
                      "ratchet_rollbacks",
                      "ratchet_rollbacks",
                      run,
                      s.rollbacks));
            }
          }
          byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  private String trainerMetrics(int port) {
    if (port <= 0) {
      return "";
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.ratchet.cli.local;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * One local {@code /metrics} port for a Prometheus to scrape: the running trainer's series and the
 * supervisor's, in the names the cluster uses.
 */
final class LocalMetricsServer implements AutoCloseable {

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Binds the port now, so a busy port is reported before anything starts. */
  LocalMetricsServer(int port, LocalMetrics supervisor, IntSupplier trainerPort)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          body.write(trainerMetrics(trainerPort.getAsInt()).getBytes(StandardCharsets.UTF_8));
          writer.write(body, supervisor.registry().scrape());
          byte[] bytes = body.toByteArray();
          exchange.getResponseHeaders().add("Content-Type", writer.getContentType());
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  /** Where it listens: loopback, so a local run's metrics never leave the machine. */
  InetSocketAddress address() {
    return server.getAddress();
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

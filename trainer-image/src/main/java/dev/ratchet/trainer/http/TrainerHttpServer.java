package dev.ratchet.trainer.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ratchet.api.trainer.ProgressReport;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** {@code /metrics}, {@code /v1/progress} and {@code /healthz} on one port (JDK HttpServer). */
public final class TrainerHttpServer implements AutoCloseable {

  private final HttpServer server;

  public TrainerHttpServer(
      int port, PrometheusRegistry registry, Supplier<ProgressReport> progress, ObjectMapper json)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        ex -> {
          ByteArrayOutputStream buf = new ByteArrayOutputStream();
          text.write(buf, registry.scrape());
          send(ex, 200, text.getContentType(), buf.toByteArray());
        });
    server.createContext(
        "/v1/progress",
        ex -> send(ex, 200, "application/json", json.writeValueAsBytes(progress.get())));
    server.createContext(
        "/healthz", ex -> send(ex, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8)));
    // Scrapes must never wait on training: one small thread of their own.
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "trainer-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  /** The bound port (useful when 0 asked for any free one). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

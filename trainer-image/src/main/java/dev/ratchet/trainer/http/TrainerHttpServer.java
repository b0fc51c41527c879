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
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;

/**
 * {@code /metrics}, {@code /v1/progress} and {@code /healthz} on one port (JDK HttpServer). {@code
 * /v1/progress?after=EPISODE} adds the records of the episodes after that one.
 */
public final class TrainerHttpServer implements AutoCloseable {

  private final HttpServer server;

  /**
   * @param host address to bind, or null for every interface
   * @param port port to bind, 0 for any free one
   */
  public TrainerHttpServer(
      String host,
      int port,
      PrometheusRegistry registry,
      LongFunction<ProgressReport> progressAfter,
      ObjectMapper json)
      throws IOException {
    InetSocketAddress address =
        host == null || host.isBlank()
            ? new InetSocketAddress(port)
            : new InetSocketAddress(host, port);
    server = HttpServer.create(address, 0);
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
        ex -> {
          OptionalLong after = after(ex.getRequestURI().getRawQuery());
          if (after == null) {
            send(
                ex,
                400,
                "text/plain",
                "after must be an episode number, e.g. /v1/progress?after=1200\n"
                    .getBytes(StandardCharsets.UTF_8));
            return;
          }
          // Without ?after the report carries no records (there is nothing to be after).
          ProgressReport report = progressAfter.apply(after.orElse(Long.MAX_VALUE));
          send(ex, 200, "application/json", json.writeValueAsBytes(report));
        });
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

  /** The {@code after} query parameter: empty when absent, null when not a number. */
  static OptionalLong after(String query) {
    if (query == null) {
      return OptionalLong.empty();
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("after=")) {
        try {
          return OptionalLong.of(Long.parseLong(pair.substring("after=".length())));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
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

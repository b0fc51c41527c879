package dev.ratchet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (the Debian package's binary) on loopback, scraping the given targets every
 * second and evaluating a rules file, queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

  private final ChildProcess process;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private PrometheusServer(ChildProcess process, URI base) {
    this.process = process;
    this.base = base;
  }

  /**
   * Starts Prometheus with one scrape job per entry of {@code targets} (job name → host:port and
   * metrics path) and the rules file, and waits until it is ready.
   */
  static PrometheusServer start(Path workDir, int port, Map<String, Target> targets, Path rules)
      throws Exception {
    StringBuilder config = new StringBuilder();
    config.append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
    config.append("rule_files:\n  - ").append(rules.toAbsolutePath()).append('\n');
    config.append("scrape_configs:\n");
    targets.forEach(
        (job, target) ->
            config
                .append("  - job_name: ")
                .append(job)
                .append("\n    honor_labels: true\n    metrics_path: ")
                .append(target.path())
                .append("\n    static_configs:\n      - targets: ['")
                .append(target.address())
                .append("']\n"));
    Files.createDirectories(workDir);
    Path file = workDir.resolve("prometheus.yml");
    Files.writeString(file, config);
    ChildProcess p =
        ChildProcess.start(
            "prometheus",
            List.of(
                binary("prometheus"),
                "--config.file=" + file,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"),
            workDir.resolve("prometheus.log"));
    PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port));
    server.awaitReady(Duration.ofSeconds(60));
    return server;
  }

  /** Where a scrape job looks: {@code host:port} and the metrics path. */
  record Target(String address, String path) {}

  /**
   * The path of a Prometheus tool: from {@code -Dratchet.prometheus.dir}, else the PATH; fails
   * saying how to install it.
   */
  static String binary(String name) {
    String dir = System.getProperty("ratchet.prometheus.dir");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir, name).toString();
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(entry, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        name
            + " not found on the PATH: install it (Debian: apt-get install prometheus) or pass"
            + " -Dratchet.prometheus.dir=DIR");
  }

  private void awaitReady(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.alive()) {
        throw new AssertionError("prometheus exited\n" + process.tail(30));
      }
      try {
        HttpResponse<String> r = get("/-/ready");
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("prometheus not ready after " + timeout + "\n" + process.tail(30));
  }

  /** The result of a range query over {@code [start, end]}: one entry per series. */
  JsonNode queryRange(String expr, Instant start, Instant end, Duration step) throws Exception {
    return data("/api/v1/query_range?query="
            + encode(expr)
            + "&start="
            + start.getEpochSecond()
            + "&end="
            + end.getEpochSecond()
            + "&step="
            + step.toSeconds())
        .path("result");
  }

  /** The result of an instant query now: one entry per series. */
  JsonNode queryInstant(String expr) throws Exception {
    return data("/api/v1/query?query=" + encode(expr)).path("result");
  }

  /** The label sets of the series matching a selector over {@code [start, end]}. */
  JsonNode series(String match, Instant start, Instant end) throws Exception {
    return data(
        "/api/v1/series?match[]="
            + encode(match)
            + "&start="
            + start.getEpochSecond()
            + "&end="
            + end.getEpochSecond());
  }

  /** The scrape targets with their health. */
  JsonNode targets() throws Exception {
    return data("/api/v1/targets").path("activeTargets");
  }

  private JsonNode data(String path) throws Exception {
    HttpResponse<String> r = get(path);
    JsonNode body = json.readTree(r.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError(
          "Prometheus refused " + path + ": " + body.path("error").asText(r.body()));
    }
    return body.path("data");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}

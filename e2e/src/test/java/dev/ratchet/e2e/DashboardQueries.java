package dev.ratchet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every PromQL expression of a Grafana dashboard: panel targets, annotations and variables. */
final class DashboardQueries {

  private DashboardQueries() {}

  /** Where an expression sits in the dashboard. */
  enum Kind {
    PANEL,
    ANNOTATION,
    VARIABLE
  }

  /**
   * One expression.
   *
   * @param dashboard the dashboard's title
   * @param where the panel's or annotation's title, or the variable's name
   * @param kind where it sits
   * @param expr the expression as written, with Grafana variables
   */
  record Query(String dashboard, String where, Kind kind, String expr) {

    /** The expression with Grafana's variables replaced, ready for Prometheus. */
    String resolve(Map<String, String> variables) {
      String e = expr.replace("$__rate_interval", "1m").replace("$__interval", "15s");
      for (Map.Entry<String, String> v : variables.entrySet()) {
        e =
            e.replace("${" + v.getKey() + "}", v.getValue())
                .replace("$" + v.getKey(), v.getValue());
      }
      if (e.contains("$")) {
        throw new AssertionError(dashboard + " / " + where + ": unresolved variable in " + e);
      }
      return e;
    }
  }

  /** Reads every expression of a dashboard JSON file. */
  static List<Query> read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    String title = root.path("title").asText(file.getFileName().toString());
    List<Query> queries = new ArrayList<>();
    collectPanels(title, root.path("panels"), queries);
    for (JsonNode a : root.path("annotations").path("list")) {
      if (a.hasNonNull("expr")) {
        queries.add(
            new Query(title, a.path("name").asText(), Kind.ANNOTATION, a.get("expr").asText()));
      }
    }
    for (JsonNode v : root.path("templating").path("list")) {
      if ("query".equals(v.path("type").asText())) {
        JsonNode q = v.path("query");
        String text = q.isObject() ? q.path("query").asText() : q.asText();
        queries.add(new Query(title, v.path("name").asText(), Kind.VARIABLE, text));
      }
    }
    return queries;
  }

  private static void collectPanels(String dashboard, JsonNode panels, List<Query> out) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr") && !t.get("expr").asText().isBlank()) {
          out.add(
              new Query(dashboard, p.path("title").asText(), Kind.PANEL, t.get("expr").asText()));
        }
      }
      collectPanels(dashboard, p.path("panels"), out); // rows hold their panels
    }
  }
}

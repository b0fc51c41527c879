package dev.ratchet.core.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.ProgressReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads a trainer's {@code GET /v1/progress} over HTTP; shared by the operator and local mode. */
public final class ProgressReader {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * What a trainer answered.
   *
   * @param report its progress report, or null
   * @param problem why an answer could not be used (an error status, not a progress report), or
   *     null; a trainer that does not answer at all (still starting, just stopping) is no problem
   */
  public record Reply(ProgressReport report, String problem) {

    /** No answer, and nothing wrong with that. */
    public static final Reply NONE = new Reply(null, null);

    public Optional<ProgressReport> progress() {
      return Optional.ofNullable(report);
    }
  }

  /**
   * The progress of the trainer at host:port with the records of its episodes after {@code after}.
   */
  public Reply read(String host, int port, long after) {
    URI uri = URI.create("http://" + host + ":" + port + "/v1/progress?after=" + after);
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      // A trainer still starting or just stopping: the next poll will tell.
      return Reply.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.NONE;
    }
    if (response.statusCode() != 200) {
      return new Reply(null, "GET " + uri.getPath() + " answered HTTP " + response.statusCode());
    }
    try {
      ProgressReport report = json.readValue(response.body(), ProgressReport.class);
      return report == null
          ? new Reply(null, "the answer is not a progress report: empty")
          : new Reply(report, null);
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      String field = "";
      if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
        field =
            "field "
                + m.getPath().stream()
                    .map(
                        r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                + ": ";
      }
      return new Reply(null, "the answer is not a progress report: " + field + message);
    }
  }
}

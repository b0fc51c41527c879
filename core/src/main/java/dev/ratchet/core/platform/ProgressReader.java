package dev.ratchet.core.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.ProgressReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Reads a trainer's {@code GET /v1/progress} over HTTP; shared by the operator and local mode. */
public final class ProgressReader {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * The progress of the trainer at host:port with the records of its episodes after {@code after},
   * or empty while it cannot answer.
   */
  public Optional<ProgressReport> read(String host, int port, long after) {
    URI uri = URI.create("http://" + host + ":" + port + "/v1/progress?after=" + after);
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200
          ? Optional.of(json.readValue(response.body(), ProgressReport.class))
          : Optional.empty();
    } catch (IOException e) {
      // A trainer still starting or just stopping: the next poll will tell.
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}

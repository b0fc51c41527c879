package dev.ratchet.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.ProgressReport;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Polls {@code http://POD_IP:PORT/v1/progress} of a trainer pod over plain HTTP. */
public final class HttpProgressClient implements ProgressClient {

  private static final Logger LOG = Logger.getLogger(HttpProgressClient.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final int port;

  public HttpProgressClient(int port) {
    this.port = port;
  }

  @Override
  public Optional<ProgressReport> fetch(Pod pod) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      return Optional.empty();
    }
    URI uri = URI.create("http://" + ip + ":" + port + "/v1/progress");
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        LOG.debugf("%s answered %d", uri, response.statusCode());
        return Optional.empty();
      }
      return Optional.of(json.readValue(response.body(), ProgressReport.class));
    } catch (IOException e) {
      // A trainer still starting or just stopping: the next poll will tell.
      LOG.debugf("cannot read %s: %s", uri, e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}

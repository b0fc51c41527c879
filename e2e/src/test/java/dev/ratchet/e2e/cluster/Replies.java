package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * Every reply with an explicit Content-Type: the bare mock sends none, and Helm's and kubectl's
 * decoders then refuse the body (client-go picks its decoder from that header).
 */
final class Replies {

  static final String JSON = "application/json";

  private Replies() {}

  static MockResponse json(int code, JsonNode body) {
    return json(code, Json.write(body));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(body);
  }

  /** Gives a reply of the wrapped mock (or any other) the JSON Content-Type. */
  static MockResponse withJsonType(MockResponse response) {
    if (response.getWebSocketListener() == null) {
      response.setHeader("Content-Type", JSON);
    }
    return response;
  }
}

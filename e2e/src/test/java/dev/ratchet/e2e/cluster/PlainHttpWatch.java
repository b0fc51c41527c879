package dev.ratchet.e2e.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A watch over plain HTTP ({@code kubectl get -w}, {@code kubectl wait}, Helm's waits), which the
 * mock cannot hold open (it only serves WebSocket watches). Answered as a poll: the objects changed
 * since the requested resource version as MODIFIED events at once, or after a second an empty
 * stream, after which client-go's reflector watches again from where it was. So {@code kubectl
 * wait} sees a change within about a second and {@code kubectl get -w} ends after the list; objects
 * the store removed since are reported as DELETED from its tombstones.
 */
final class PlainHttpWatch {

  private PlainHttpWatch() {}

  static MockResponse answer(
      List<ObjectNode> objects, List<ObjectNode> deleted, String sinceResourceVersion) {
    long since = parse(sinceResourceVersion);
    StringBuilder events = new StringBuilder();
    if (since > 0) {
      for (ObjectNode o : deleted) {
        ObjectNode event = Json.object();
        event.put("type", "DELETED");
        event.set("object", o);
        events.append(Json.write(event)).append('\n');
      }
    }
    for (ObjectNode o : objects) {
      long rv = parse(Json.text(o, "metadata", "resourceVersion"));
      if (since <= 0 || rv > since) {
        ObjectNode event = Json.object();
        event.put("type", since <= 0 ? "ADDED" : "MODIFIED");
        event.set("object", o);
        events.append(Json.write(event)).append('\n');
      }
    }
    if (events.length() > 0) {
      return Replies.json(200, events.toString());
    }
    // a body is needed for the delay to apply; a newline is an empty event stream
    return Replies.json(200, "\n").setBodyDelay(1, TimeUnit.SECONDS);
  }

  static long parse(String resourceVersion) {
    try {
      return resourceVersion == null || resourceVersion.isEmpty()
          ? 0
          : Long.parseLong(resourceVersion);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

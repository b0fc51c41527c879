package dev.ratchet.operator;

import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Writes Kubernetes Events on a TrainingRun. The same reason and message map to the same Event,
 * whose count rises, so a decision retried after a failed status write never floods the run.
 */
public final class EventRecorder {

  static final String COMPONENT = "ratchet-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records a Normal or Warning event with a reason such as {@code RolledBack}. */
  public void record(TrainingRun run, String reason, String message, boolean warning) {
    String namespace = run.getMetadata().getNamespace();
    String name = eventName(run, reason, message);
    String now = Instant.now(clock).toString();
    var events = client.v1().events().inNamespace(namespace);
    Event existing = events.withName(name).get();
    if (existing != null) {
      existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
      existing.setLastTimestamp(now);
      events.resource(existing).update();
      return;
    }
    events
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(
                    new ObjectReferenceBuilder()
                        .withApiVersion(run.getApiVersion())
                        .withKind(run.getKind())
                        .withName(run.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(run.getMetadata().getUid())
                        .build())
                .withReason(reason)
                .withMessage(message)
                .withType(warning ? "Warning" : "Normal")
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .build())
        .create();
  }

  /** A stable name per run, reason and message, within Kubernetes' 253-character limit. */
  static String eventName(TrainingRun run, String reason, String message) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (run.getMetadata().getUid() + "\n" + reason + "\n" + message)
                      .getBytes(StandardCharsets.UTF_8));
      return run.getMetadata().getName() + "." + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

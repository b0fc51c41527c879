package dev.ratchet.operator;

import dev.ratchet.core.storage.EmbeddedS3;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts an embedded S3 server for the operator and makes it the default storage endpoint. */
public class EmbeddedS3Resource implements QuarkusTestResourceLifecycleManager {

  static final String BUCKET = "ratchet-checkpoints";
  static EmbeddedS3 s3;

  @Override
  public Map<String, String> start() {
    try {
      s3 = EmbeddedS3.start(BUCKET);
    } catch (Exception e) {
      throw new IllegalStateException("embedded S3 did not start", e);
    }
    return Map.of("ratchet.storage.endpoint", s3.endpoint());
  }

  @Override
  public void stop() {
    try {
      s3.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

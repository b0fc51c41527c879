package dev.ratchet.operator;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a real S3 server for the operator and makes it the default storage endpoint. */
public class EmbeddedS3Resource implements QuarkusTestResourceLifecycleManager {

  static final String BUCKET = "ratchet-checkpoints";
  static S3ProxyProcess s3;

  @Override
  public Map<String, String> start() {
    try {
      s3 = S3ProxyProcess.start(BUCKET);
    } catch (Exception e) {
      throw new IllegalStateException("embedded S3 did not start", e);
    }
    return Map.of("ratchet.storage.endpoint", s3.endpoint());
  }

  @Override
  public void stop() {
    if (s3 != null) {
      s3.close();
    }
  }
}

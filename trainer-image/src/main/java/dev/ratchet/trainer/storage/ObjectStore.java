package dev.ratchet.trainer.storage;

import java.io.IOException;
import java.util.Optional;

/** The few S3 operations the trainer needs, so retries and faults can wrap any of them. */
public interface ObjectStore {

  /** Writes an object, replacing any previous content. */
  void put(String bucket, String key, byte[] content) throws IOException;

  /** Reads an object, or empty when it does not exist. */
  Optional<byte[]> get(String bucket, String key) throws IOException;

  /** Fails with an IOException when the bucket cannot be reached or does not exist. */
  void checkBucket(String bucket) throws IOException;
}

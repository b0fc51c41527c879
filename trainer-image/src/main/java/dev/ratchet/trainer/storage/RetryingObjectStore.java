package dev.ratchet.trainer.storage;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retries every operation of a store with exponential backoff; gives up with the last error. */
public final class RetryingObjectStore implements ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(RetryingObjectStore.class);

  private final ObjectStore delegate;
  private final int attempts;
  private final long firstDelayMillis;

  /**
   * @param attempts tries per operation, at least 1
   * @param firstDelayMillis delay after the first failure; doubled after each further one
   */
  public RetryingObjectStore(ObjectStore delegate, int attempts, long firstDelayMillis) {
    this.delegate = delegate;
    this.attempts = Math.max(1, attempts);
    this.firstDelayMillis = firstDelayMillis;
  }

  @Override
  public void put(String bucket, String key, byte[] content) throws IOException {
    retry(
        "put " + key,
        () -> {
          delegate.put(bucket, key, content);
          return null;
        });
  }

  @Override
  public Optional<byte[]> get(String bucket, String key) throws IOException {
    return retry("get " + key, () -> delegate.get(bucket, key));
  }

  @Override
  public void checkBucket(String bucket) throws IOException {
    retry(
        "check bucket " + bucket,
        () -> {
          delegate.checkBucket(bucket);
          return null;
        });
  }

  private <T> T retry(String what, Call<T> call) throws IOException {
    long delay = firstDelayMillis;
    for (int i = 1; ; i++) {
      try {
        return call.run();
      } catch (IOException e) {
        if (i >= attempts) {
          throw new IOException(
              what + " failed after " + attempts + " tries: " + e.getMessage(), e);
        }
        LOG.warn(what + " failed (try " + i + "/" + attempts + "), retrying: " + e.getMessage());
        try {
          Thread.sleep(delay);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException(what + " interrupted", ie);
        }
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private interface Call<T> {
    T run() throws IOException;
  }
}

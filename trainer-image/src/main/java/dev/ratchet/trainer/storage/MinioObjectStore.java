package dev.ratchet.trainer.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/** {@link ObjectStore} over the MinIO Java client (any S3 endpoint). */
public final class MinioObjectStore implements ObjectStore {

  /**
   * Bounds on one connection attempt and one read or write on a connection. The MinIO client's own
   * defaults are five minutes each, so a connection the server dropped without a reset held an
   * upload (and every checkpoint queued behind it) for five minutes before the retries could start;
   * with these, a dead server costs one timeout, then the retries' own schedule.
   */
  static final long CONNECT_TIMEOUT_MILLIS = 5_000;

  static final long READ_WRITE_TIMEOUT_MILLIS = 30_000;

  private final MinioClient client;

  public MinioObjectStore(String endpoint, String region, String accessKey, String secretKey) {
    MinioClient.Builder b = MinioClient.builder().endpoint(endpoint);
    if (accessKey != null && secretKey != null) {
      b.credentials(accessKey, secretKey);
    }
    if (region != null && !region.isBlank()) {
      b.region(region);
    }
    this.client = b.build();
    client.setTimeout(CONNECT_TIMEOUT_MILLIS, READ_WRITE_TIMEOUT_MILLIS, READ_WRITE_TIMEOUT_MILLIS);
  }

  @Override
  public void put(String bucket, String key, byte[] content) throws IOException {
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  new ByteArrayInputStream(content), content.length, -1)
              .contentType("application/octet-stream")
              .build());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("put s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> get(String bucket, String key) throws IOException {
    try (GetObjectResponse r =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(r.readAllBytes());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new IOException("get s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("get s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void checkBucket(String bucket) throws IOException {
    boolean exists;
    try {
      exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("bucket " + bucket + ": " + e.getMessage(), e);
    }
    if (!exists) {
      throw new IOException("bucket " + bucket + " does not exist");
    }
  }
}

package dev.ratchet.cli.runs;

import io.minio.MinioClient;

/**
 * How the command line reaches a run's S3 storage: the one place its MinIO clients are built, and
 * what a trainer it starts (to evaluate a checkpoint) is given to reach the same storage.
 *
 * @param endpoint S3 endpoint URL
 * @param region S3 region
 * @param accessKey access key
 * @param secretKey secret key
 */
public record S3Access(String endpoint, String region, String accessKey, String secretKey) {

  /** Storage reached from outside a cluster may be out of reach: say so in seconds. */
  static final long CONNECT_TIMEOUT_MS = 3_000;

  /** MinIO's default of 5 minutes would hold a command on a server that stopped answering. */
  static final long READ_WRITE_TIMEOUT_MS = 30_000;

  /** A client with bounded timeouts. */
  public MinioClient client() {
    MinioClient minio =
        MinioClient.builder()
            .endpoint(endpoint)
            .credentials(accessKey, secretKey)
            .region(region)
            .build();
    minio.setTimeout(CONNECT_TIMEOUT_MS, READ_WRITE_TIMEOUT_MS, READ_WRITE_TIMEOUT_MS);
    return minio;
  }
}

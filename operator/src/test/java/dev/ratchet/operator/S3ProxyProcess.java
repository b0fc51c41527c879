package dev.ratchet.operator;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** A real S3 server (S3Proxy, in-memory) in a child process on a free loopback port. */
public final class S3ProxyProcess implements AutoCloseable {

  public static final String ACCESS_KEY = "ratchet-test";
  public static final String SECRET_KEY = "ratchet-test-secret";
  static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar");

  private final Process process;
  private final String endpoint;

  private S3ProxyProcess(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts the server and creates one bucket; waits until it answers. */
  public static S3ProxyProcess start(String bucket) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Path properties = Files.createTempFile("s3proxy", ".properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=transient",
            "jclouds.identity=identity",
            "jclouds.credential=credential",
            ""));
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                JAR.toString(),
                "--properties",
                properties.toString())
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "s3proxy", "s3proxy.log").toFile())
            .start();
    S3ProxyProcess s3 = new S3ProxyProcess(process, endpoint);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try {
        MinioClient client = s3.client();
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
          client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        return s3;
      } catch (IOException | RuntimeException e) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          s3.close();
          throw new IllegalStateException(
              "S3Proxy did not start, see target/s3proxy/s3proxy.log", e);
        }
        Thread.sleep(200);
      }
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public MinioClient client() {
    return MinioClient.builder()
        .endpoint(endpoint)
        .credentials(ACCESS_KEY, SECRET_KEY)
        .region("us-east-1")
        .build();
  }

  @Override
  public void close() {
    process.destroy();
  }
}

package dev.ratchet.s3;

import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server on loopback: S3Proxy over a jclouds blob store, reached through the MinIO client
 * exactly as a MinIO server would be. Local mode stores a run's checkpoints in one (filesystem
 * backend under the workdir); tests use one in memory. The operator's tests run S3Proxy's own jar
 * as a child process instead, because S3Proxy's Guice and Jetty clash with Quarkus in one JVM.
 */
public final class EmbeddedS3Server implements AutoCloseable {

  /** Credentials of every embedded server; they never leave this machine. */
  public static final String ACCESS_KEY = "ratchet-local";

  public static final String SECRET_KEY = "ratchet-local-secret";

  private static final String LOOPBACK = "127.0.0.1";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String host;
  private final int port;
  private boolean closed;

  private EmbeddedS3Server(S3Proxy proxy, BlobStoreContext context, String host) {
    this.proxy = proxy;
    this.context = context;
    this.host = host;
    this.port = proxy.getPort();
  }

  /** Starts on a free loopback port, storing objects under {@code dataDir}. */
  public static EmbeddedS3Server start(Path dataDir) throws Exception {
    return start(dataDir, 0);
  }

  /**
   * Starts on {@code port} (0 for a free one), storing objects under {@code dataDir}: a server
   * started again on the same port and folder serves everything the first one stored.
   */
  public static EmbeddedS3Server start(Path dataDir, int port) throws Exception {
    return start(dataDir, LOOPBACK, port);
  }

  /**
   * Starts on {@code host}:{@code port} (0 for a free port): another address of this machine than
   * loopback serves containers in their own network namespaces, which cannot reach its loopback.
   */
  public static EmbeddedS3Server start(Path dataDir, String host, int port) throws Exception {
    Files.createDirectories(dataDir);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
    return start(
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class),
        host,
        port);
  }

  /** Starts on a free loopback port, keeping objects in memory, with these buckets created. */
  public static EmbeddedS3Server inMemory(String... buckets) throws Exception {
    EmbeddedS3Server server =
        start(
            ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class),
            LOOPBACK,
            0);
    for (String bucket : buckets) {
      server.ensureBucket(bucket);
    }
    return server;
  }

  private static EmbeddedS3Server start(BlobStoreContext context, String host, int port)
      throws Exception {
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://" + host + ":" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      Thread.sleep(10);
    }
    return new EmbeddedS3Server(proxy, context, host);
  }

  public String endpoint() {
    return "http://" + host + ":" + port;
  }

  public int port() {
    return port;
  }

  /** A client of this server. */
  public MinioClient client() {
    return MinioClient.builder()
        .endpoint(endpoint())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .region("us-east-1")
        .build();
  }

  /** Creates the bucket when it does not exist yet (in the store itself: no client needed). */
  public void ensureBucket(String bucket) {
    if (!context.getBlobStore().containerExists(bucket)) {
      context.getBlobStore().createContainerInLocation(null, bucket);
    }
  }

  @Override
  public synchronized void close() throws Exception {
    if (!closed) {
      closed = true;
      proxy.stop();
      context.close();
    }
  }
}

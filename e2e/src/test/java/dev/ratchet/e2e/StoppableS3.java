package dev.ratchet.e2e;

import java.net.URI;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An in-memory S3 server (S3Proxy) on a fixed loopback port that a test stops to make a trainer's
 * checkpoint uploads fail, as an unreachable MinIO would.
 */
final class StoppableS3 implements AutoCloseable {

  static final String ACCESS_KEY = "e2e-access";
  static final String SECRET_KEY = "e2e-secret-key";

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final int port;

  StoppableS3(int port, String bucket) throws Exception {
    this.port = port;
    context =
        ContextBuilder.newBuilder("transient")
            .credentials(ACCESS_KEY, SECRET_KEY)
            .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      Thread.sleep(10);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops serving: the port refuses connections. */
  void stop() throws Exception {
    proxy.stop();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}

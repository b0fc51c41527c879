package dev.ratchet.trainer.checkpoint;

import java.net.URI;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** An in-memory S3 endpoint (S3Proxy over jclouds' transient store) on a free loopback port. */
public final class EmbeddedS3 implements AutoCloseable {

  public static final String ACCESS_KEY = "ratchet-test";
  public static final String SECRET_KEY = "ratchet-test-secret";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  public EmbeddedS3(String... buckets) throws Exception {
    context =
        ContextBuilder.newBuilder("transient")
            .credentials(ACCESS_KEY, SECRET_KEY)
            .build(BlobStoreContext.class);
    for (String b : buckets) {
      context.getBlobStore().createContainerInLocation(null, b);
    }
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(20);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}

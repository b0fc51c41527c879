package dev.ratchet.core.storage;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3 endpoint on loopback (S3Proxy over an in-memory blob store) for tests. */
public final class EmbeddedS3 implements AutoCloseable {

  public static final String ACCESS_KEY = "ratchet-test";
  public static final String SECRET_KEY = "ratchet-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  private EmbeddedS3(S3Proxy proxy, BlobStoreContext context) {
    this.proxy = proxy;
    this.context = context;
  }

  /** Starts a server on a free loopback port with one empty bucket. */
  public static EmbeddedS3 start(String bucket) throws Exception {
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(new Properties())
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      Thread.sleep(10);
    }
    EmbeddedS3 s3 = new EmbeddedS3(proxy, context);
    s3.client().makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    return s3;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  public MinioClient client() {
    return MinioClient.builder()
        .endpoint(endpoint())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .region("us-east-1")
        .build();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}

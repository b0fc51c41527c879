package dev.ratchet.operator;

import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.StorageSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.S3CheckpointStore;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a run's checkpoints live and how to reach them: the spec's storage with the operator's
 * defaults filled in, and the credentials read from the named Secret.
 */
public final class RunStorage {

  private final KubernetesClient client;
  private final OperatorConfig settings;
  // One client (and its connection pool) per endpoint and credentials, shared by all runs.
  private final Map<String, MinioClient> clients = new ConcurrentHashMap<>();
  private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();
  // Credentials read in the last minute: periodic reconciles need not fetch the Secret each time.
  private final Map<String, CachedSecret> secrets = new ConcurrentHashMap<>();
  private final Clock clock;

  private record CachedSecret(Secret secret, Instant readAt) {}

  static final Duration SECRET_CACHE = Duration.ofMinutes(1);

  public RunStorage(KubernetesClient client, OperatorConfig settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  /** Storage cannot be used yet; the message tells the user what to fix. */
  public static final class UnavailableException extends Exception {
    public UnavailableException(String message) {
      super(message);
    }
  }

  /** The Secret holding the run's S3 credentials. */
  public String secretName(TrainingRun run) {
    StorageSpec storage = run.getSpec().checkpoints.storage;
    return storage.credentialsSecret == null || storage.credentialsSecret.isBlank()
        ? settings.storage().credentialsSecret()
        : storage.credentialsSecret;
  }

  /** The S3 endpoint of the run. */
  public String endpoint(TrainingRun run) throws UnavailableException {
    StorageSpec storage = run.getSpec().checkpoints.storage;
    if (storage.endpoint != null && !storage.endpoint.isBlank()) {
      return storage.endpoint;
    }
    return settings
        .storage()
        .endpoint()
        .orElseThrow(
            () ->
                new UnavailableException(
                    "spec.checkpoints.storage.endpoint is empty and the operator has no default"
                        + " endpoint: set one of them (Helm value storage.endpoint)"));
  }

  /** A checkpoint store of the run, with credentials from its Secret. */
  public CheckpointStore open(TrainingRun run) throws UnavailableException {
    StorageSpec storage = run.getSpec().checkpoints.storage;
    String namespace = run.getMetadata().getNamespace();
    String secretName = secretName(run);
    Secret secret = readSecret(namespace, secretName);
    if (secret == null) {
      throw new UnavailableException(
          "Secret "
              + secretName
              + " with the S3 credentials is missing in namespace "
              + namespace
              + ": create it with keys accessKey and secretKey, or name another one in"
              + " spec.checkpoints.storage.credentialsSecret");
    }
    String accessKey = value(secret, TrainerEnv.SECRET_ACCESS_KEY_FIELD);
    String secretKey = value(secret, TrainerEnv.SECRET_SECRET_KEY_FIELD);
    if (accessKey == null || secretKey == null) {
      throw new UnavailableException(
          "Secret " + secretName + " must hold the keys accessKey and secretKey");
    }
    String endpoint = endpoint(run);
    MinioClient minio =
        clients.computeIfAbsent(
            String.join("\n", endpoint, storage.region, accessKey, secretKey),
            k ->
                MinioClient.builder()
                    .endpoint(endpoint)
                    .credentials(accessKey, secretKey)
                    .region(storage.region)
                    .build());
    ensureBucket(minio, storage.bucket, endpoint);
    return new S3CheckpointStore(
        minio, storage.bucket, storage.prefix, namespace, run.getMetadata().getName());
  }

  /** Creates the run's bucket on first use, so a fresh MinIO needs no setup step. */
  private void ensureBucket(MinioClient minio, String bucket, String endpoint)
      throws UnavailableException {
    if (knownBuckets.contains(endpoint + "/" + bucket)) {
      return;
    }
    try {
      if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
      knownBuckets.add(endpoint + "/" + bucket);
    } catch (Exception e) {
      throw new UnavailableException(
          "bucket "
              + bucket
              + " at "
              + endpoint
              + " does not exist and cannot be created ("
              + e.getMessage()
              + "): create it, or check the endpoint and the credentials Secret");
    }
  }

  private Secret readSecret(String namespace, String name) {
    String key = namespace + "/" + name;
    CachedSecret cached = secrets.get(key);
    if (cached != null && cached.readAt().plus(SECRET_CACHE).isAfter(clock.instant())) {
      return cached.secret();
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      secrets.remove(key);
    } else {
      secrets.put(key, new CachedSecret(secret, clock.instant()));
    }
    return secret;
  }

  private static String value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> plain = secret.getStringData();
    return plain == null ? null : plain.get(key);
  }
}

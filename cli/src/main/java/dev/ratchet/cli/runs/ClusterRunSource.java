package dev.ratchet.cli.runs;

import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.StorageSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs of a namespace of the cluster the current kubeconfig points at; their storage is reached
 * with the credentials of the run's Secret, at the spec's endpoint or one given on the command line
 * (a port-forward to an in-cluster MinIO). A cluster out of reach fails at once, naming the API
 * server and the cause ({@link ClusterConnection}).
 */
public final class ClusterRunSource implements RunSource {

  /** The operator's default credentials Secret (Helm value storage.credentialsSecret). */
  static final String DEFAULT_SECRET = "ratchet-s3";

  private final ClusterConnection connection;
  private final KubernetesClient client;
  private final String namespace;
  private final String endpointOverride;

  public ClusterRunSource(ClusterConnection connection, String namespace, String endpointOverride) {
    this(connection, connection.newClient(), namespace, endpointOverride);
  }

  /** Runs read through a client configured elsewhere (tests, other tools). */
  public ClusterRunSource(KubernetesClient client, String namespace, String endpointOverride) {
    this(ClusterConnection.of(client), client, namespace, endpointOverride);
  }

  private ClusterRunSource(
      ClusterConnection connection,
      KubernetesClient client,
      String namespace,
      String endpointOverride) {
    this.connection = connection;
    this.client = client;
    this.namespace = namespace;
    this.endpointOverride = endpointOverride;
  }

  @Override
  public TrainingRun read(String name) throws RunSourceException {
    TrainingRun run;
    try {
      run = client.resources(TrainingRun.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw connection.failure("read TrainingRun " + name + " in namespace " + namespace, e);
    }
    if (run == null) {
      throw new RunSourceException(
          "no TrainingRun "
              + name
              + " in namespace "
              + namespace
              + " (kubectl get tr -n "
              + namespace
              + " lists them; pick another with --namespace)");
    }
    return run;
  }

  @Override
  public RunFiles files(TrainingRun run) throws RunSourceException {
    StorageSpec storage = run.getSpec().checkpoints.storage;
    String endpoint =
        endpointOverride != null && !endpointOverride.isBlank()
            ? endpointOverride
            : storage.endpoint;
    if (endpoint == null || endpoint.isBlank()) {
      throw new RunSourceException(
          "spec.checkpoints.storage.endpoint is empty (the operator uses its default): pass"
              + " --s3-endpoint, e.g. http://127.0.0.1:9000 after kubectl port-forward to MinIO");
    }
    String secretName =
        storage.credentialsSecret == null || storage.credentialsSecret.isBlank()
            ? DEFAULT_SECRET
            : storage.credentialsSecret;
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    } catch (KubernetesClientException e) {
      throw connection.failure("read Secret " + secretName + " in namespace " + namespace, e);
    }
    String accessKey = secret == null ? null : value(secret, TrainerEnv.SECRET_ACCESS_KEY_FIELD);
    String secretKey = secret == null ? null : value(secret, TrainerEnv.SECRET_SECRET_KEY_FIELD);
    if (accessKey == null || secretKey == null) {
      throw new RunSourceException(
          "Secret "
              + secretName
              + " in namespace "
              + namespace
              + " must exist and hold the keys accessKey and secretKey");
    }
    return RunFiles.of(
        new S3Access(endpoint, storage.region, accessKey, secretKey),
        storage.bucket,
        storage.prefix,
        namespace,
        run.getMetadata().getName());
  }

  @Override
  public void requestRollback(TrainingRun run, String to, String nonce) throws RunSourceException {
    // A merge patch of the spec only, as `kubectl patch --type merge` sends: it cannot conflict
    // with the operator's status updates.
    Map<String, Object> rollback = new LinkedHashMap<>();
    rollback.put("to", to);
    rollback.put("nonce", nonce);
    try {
      client
          .resources(TrainingRun.class)
          .inNamespace(namespace)
          .withName(run.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              io.fabric8.kubernetes.client.utils.Serialization.asJson(
                  Map.of("spec", Map.of("rollback", rollback))));
    } catch (KubernetesClientException e) {
      throw connection.failure(
          "patch TrainingRun " + run.getMetadata().getName() + " in namespace " + namespace, e);
    }
  }

  @Override
  public String where() {
    return "namespace " + namespace;
  }

  private static String value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return null;
  }

  @Override
  public void close() {
    client.close();
  }
}

package dev.ratchet.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator against the mock API server, with a test kubelet and scripted trainer progress. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedS3Resource.class)
class TrainingRunReconcilerTest {

  static final String NAMESPACE = "research";
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;
  @Inject ScriptedProgressClient progress;
  @KubernetesTestServer KubernetesServer server;

  TestKubelet kubelet;

  @BeforeEach
  void setUp() throws Exception {
    if (client.apiextensions().v1().customResourceDefinitions().withName(TrainingRun.CRD_NAME).get()
        == null) {
      CustomResourceDefinition crd =
          Serialization.unmarshal(
              Files.readString(Path.of("../crds/trainingruns.ratchet.dev-v1.yml")),
              CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ratchet-s3")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToStringData("accessKey", S3ProxyProcess.ACCESS_KEY)
                .addToStringData("secretKey", S3ProxyProcess.SECRET_KEY)
                .build())
        .createOr(existing -> existing.update());
    kubelet = new TestKubelet(client, NAMESPACE);
  }

  @AfterEach
  void tearDown() {
    kubelet.close();
  }

  static TrainingRun example(String file, String name) throws Exception {
    TrainingRun run =
        Serialization.unmarshal(Files.readString(Path.of("../examples", file)), TrainingRun.class);
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(NAMESPACE);
    run.getSpec().checkpoints.storage.endpoint = null; // the operator's default: embedded S3
    run.getSpec().checkpoints.storage.credentialsSecret = null;
    return run;
  }

  private TrainingRun get(String name) {
    return client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName(name).get();
  }

  @Test
  void appliedRunGetsItsConfigMapAndGpuPodAndReportsProgress() throws Exception {
    TrainingRun run = example("dungeon-moe-three-phase.yaml", "dungeon-a");
    client.resources(TrainingRun.class).inNamespace(NAMESPACE).resource(run).create();

    await()
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(NAMESPACE).withName("dungeon-a-a1").get() != null);
    Pod pod = client.pods().inNamespace(NAMESPACE).withName("dungeon-a-a1").get();
    Container trainer = pod.getSpec().getContainers().get(0);
    assertThat(trainer.getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("dungeon-a");
    assertThat(trainer.getEnv())
        .filteredOn(e -> e.getName().equals("AWS_SECRET_ACCESS_KEY"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ratchet-s3"));
    ConfigMap config =
        client.configMaps().inNamespace(NAMESPACE).withName("dungeon-a-a1-config").get();
    assertThat(config.getData().get("trainer-config.json")).contains("\"phase\" : \"warmup\"");

    progress.answer(
        "dungeon-a-a1",
        new ProgressReport(
            1,
            "warmup",
            40,
            8000,
            1000,
            40,
            55.0,
            3.0,
            70.0,
            50.0,
            1.38,
            0.4,
            1e-4,
            120.0,
            0,
            null,
            ProgressReport.TrainerState.TRAINING,
            "2026-11-22T10:00:00Z",
            java.util.List.of(),
            null,
            null));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRun current = get("dungeon-a");
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().state).isEqualTo(RunState.RUNNING);
              assertThat(current.getStatus().phase).isEqualTo("warmup");
              assertThat(current.getStatus().episode).isEqualTo(40L);
              assertThat(current.getStatus().metrics.scoreMean).isEqualTo(55.0);
              assertThat(current.getStatus().metrics.alphaEntropy).isEqualTo(1.38);
            });

    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains("ratchet_trainingrun_info{")
        .containsPattern("ratchet_trainingrun_info\\{[^}]*run=\"dungeon-a\"");
  }

  @Test
  void healthProbesAnswer() {
    given().when().get("/q/health/live").then().statusCode(200);
    given().when().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void missingSecretIsExplainedInStatusAndNoPodIsStarted() throws Exception {
    TrainingRun run = example("cartpole-quickstart.yaml", "cartpole-nosecret");
    run.getSpec().checkpoints.storage.credentialsSecret = "absent-secret";
    client.resources(TrainingRun.class).inNamespace(NAMESPACE).resource(run).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get("cartpole-nosecret").getStatus())
                    .isNotNull()
                    .satisfies(
                        s ->
                            assertThat(s.message)
                                .startsWith("Waiting for the run's storage: ")
                                .contains("Secret absent-secret")
                                .contains("accessKey and secretKey")));
    assertThat(get("cartpole-nosecret").getStatus().conditions)
        .anyMatch(c -> c.getType().equals("StorageAvailable") && c.getStatus().equals("False"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "StorageUnavailable".equals(e.getReason())
                                && "cartpole-nosecret".equals(e.getInvolvedObject().getName())
                                && e.getMessage().contains("Secret absent-secret")));
    assertThat(client.pods().inNamespace(NAMESPACE).withName("cartpole-nosecret-a1").get())
        .isNull();
  }

  @Test
  void aPodTheApiServerRefusesIsExplainedInStatusAndAnEventAndCreatedOnTheNextTurn()
      throws Exception {
    // its own namespace, so no other test's pod meets the refusal
    String namespace = "quota";
    copySecretTo(namespace);
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + namespace + "/pods")
        .andReturn(
            HttpURLConnection.HTTP_FORBIDDEN,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withCode(HttpURLConnection.HTTP_FORBIDDEN)
                .withMessage("pods \"refused-a1\" is forbidden: exceeded quota: gpu-quota")
                .build())
        .once();
    TrainingRun run = example("cartpole-quickstart.yaml", "refused");
    run.getMetadata().setNamespace(namespace);
    client.resources(TrainingRun.class).inNamespace(namespace).resource(run).create();

    String refusal =
        "Could not start attempt 1: the API server refused to create pod refused-a1 (HTTP 403):"
            + " pods \"refused-a1\" is forbidden: exceeded quota: gpu-quota.";
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.v1().events().inNamespace(namespace).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "ActionFailed".equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && refusal.equals(
                                    Character.toUpperCase(e.getMessage().charAt(0))
                                        + e.getMessage().substring(1)
                                        + ".")));
    await()
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(namespace).withName("refused-a1").get() != null);
  }

  private void copySecretTo(String namespace) {
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ratchet-s3")
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("accessKey", S3ProxyProcess.ACCESS_KEY)
                .addToStringData("secretKey", S3ProxyProcess.SECRET_KEY)
                .build())
        .createOr(existing -> existing.update());
  }

  @Test
  void invalidSpecFailsWithTheValidatorsMessageAndNoPod() throws Exception {
    TrainingRun run = example("dungeon-moe-three-phase.yaml", "dungeon-invalid");
    run.getSpec().phases.get(1).until.episode = 500L; // before the warmup gate at 1000
    client.resources(TrainingRun.class).inNamespace(NAMESPACE).resource(run).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRun current = get("dungeon-invalid");
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().state).isEqualTo(RunState.FAILED);
              assertThat(current.getStatus().message).contains("spec.phases[1].until.episode");
            });
    assertThat(client.pods().inNamespace(NAMESPACE).withName("dungeon-invalid-a1").get()).isNull();
    assertThat(get("dungeon-invalid").getSpec().phases.get(1).until.episode).isEqualTo(500L);
  }
}

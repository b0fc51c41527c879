package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.UntilSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.minio.ListObjectsArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole runs through the operator: phases, divergence rollback, manual rollback and deletion, with
 * a scripted trainer that commits real checkpoints to an S3 server.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedS3Resource.class)
class TrainingRunLifecycleTest {

  static final String NS = TrainingRunReconcilerTest.NAMESPACE;
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;
  @Inject ScriptedProgressClient progress;

  TrainingRunReconcilerTest setup = new TrainingRunReconcilerTest();
  TestKubelet kubelet;
  ScriptedTrainer trainer;

  @BeforeEach
  void setUp() throws Exception {
    setup.client = client;
    setup.setUp();
    kubelet = setup.kubelet;
    trainer = new ScriptedTrainer(client, NS, EmbeddedS3Resource.s3.client(), progress, kubelet);
  }

  @AfterEach
  void tearDown() {
    setup.tearDown();
  }

  private TrainingRun get(String name) {
    return client.resources(TrainingRun.class).inNamespace(NS).withName(name).get();
  }

  private void awaitPod(String pod) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var p = client.pods().inNamespace(NS).withName(pod).get();
              return p != null
                  && p.getStatus() != null
                  && "Running".equals(p.getStatus().getPhase());
            });
  }

  private void awaitGone(String pod) {
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).withName(pod).get() == null);
  }

  private void awaitEpisode(String run, long episode) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              TrainingRun r = get(run);
              return r.getStatus() != null
                  && r.getStatus().episode != null
                  && r.getStatus().episode >= episode;
            });
  }

  private List<Event> events(String run) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> run.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void threePhaseRunMovesPhaseByPhaseFromEachPhaseEndCheckpoint() throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("dungeon-moe-three-phase.yaml", "phases");
    run.getSpec().phases.get(0).until.episode = 100L;
    run.getSpec().phases.get(1).until.episode = 200L;
    run.getSpec().phases.get(2).until.episode = 300L;
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().divergence.enabled = false;
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();

    String[] phases = {"warmup", "transition", "fine-tune"};
    TrainerConfig[] configs = new TrainerConfig[4];
    for (int attempt = 1; attempt <= 3; attempt++) {
      String pod = "phases-a" + attempt;
      awaitPod(pod);
      // status names the pod that exists, for kubectl ratchet status and kubectl logs
      await().atMost(WAIT).until(() -> pod.equals(get("phases").getStatus().trainerPod));
      TrainerConfig config = trainer.config(pod);
      configs[attempt] = config;
      // the spec names no endpoint: the operator's default storage reaches the trainer
      assertThat(config.storage().endpoint()).isEqualTo(EmbeddedS3Resource.s3.endpoint());
      assertThat(config.httpPort()).isEqualTo(9400);
      assertThat(config.phase()).isEqualTo(phases[attempt - 1]);
      if (attempt > 1) {
        assertThat(config.resumeFrom())
            .endsWith(
                "/phases/checkpoints/ep-"
                    + String.format("%09d", 100L * (attempt - 1))
                    + "-a000"
                    + (attempt - 1)
                    + "/");
        awaitGone("phases-a" + (attempt - 1));
      }
      trainer.train(pod, 100L * (attempt - 1), 100L * attempt - 1, e -> 10 + e * 0.1);
      awaitEpisode("phases", 100L * attempt - 1);
      trainer.finish(pod, 10 + attempt * 10);
    }
    assertThat(configs[1].routing().name()).isEqualTo("SOFTMAX");
    assertThat(configs[2].routing().name()).isEqualTo("SPARSEMAX");
    assertThat(configs[3].temperature().to).isEqualTo(0.2);
    assertThat(configs[3].ppo().learningRate).isEqualTo(5e-5);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get("phases").getStatus().state).isEqualTo(RunState.SUCCEEDED));
    List<HistoryEntry> transitions =
        get("phases").getStatus().history.stream()
            .filter(h -> h.type == HistoryType.PHASE_TRANSITION)
            .toList();
    assertThat(transitions)
        .extracting(h -> h.from + "->" + h.to)
        .containsExactly("warmup->transition", "transition->fine-tune");
    assertThat(events("phases")).extracting(Event::getReason).contains("PhaseTransition");
    assertThat(metrics())
        .containsPattern(
            "ratchet_phase_transitions_total\\{namespace=\"research\",run=\"phases\"\\} 2\\.0");
    assertThat(
            client.pods().inNamespace(NS).withLabel(TrainerLabels.RUN, "phases").list().getItems())
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isNotEqualTo("Running"));
  }

  @Test
  void collapseRollsBackToTheBestCheckpointWithALowerLearningRateThenFailsAtTheLimit()
      throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "collapse");
    run.getSpec().phases.get(0).until.episode = 2000L;
    run.getSpec().phases.get(0).until.anyOf.clear();
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().divergence.graceEpisodes = 0;
    run.getSpec().divergence.cooldownEpisodes = 0;
    run.getSpec().divergence.maxRollbacks = 1;
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();

    awaitPod("collapse-a1");
    trainer.train("collapse-a1", 0, 300, e -> e); // peaks at 300 with a windowed score of 300
    awaitEpisode("collapse", 300);
    trainer.report("collapse-a1", trainer.config("collapse-a1"), 340, 40.0); // collapse

    awaitPod("collapse-a2");
    TrainerConfig second = trainer.config("collapse-a2");
    assertThat(second.resumeFrom()).endsWith("/checkpoints/ep-000000300-a0001/");
    assertThat(second.ppo().learningRate)
        .isCloseTo(0.001 * 0.33, org.assertj.core.data.Offset.offset(1e-12));
    awaitGone("collapse-a1");
    TrainingRun rolledBack = get("collapse");
    assertThat(rolledBack.getStatus().rollbacks).isEqualTo(1);
    assertThat(rolledBack.getStatus().hyperparameterScale.learningRate)
        .isCloseTo(0.33, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(rolledBack.getStatus().history)
        .anySatisfy(h -> assertThat(h.type).isEqualTo(HistoryType.ROLLBACK));
    assertThat(events("collapse"))
        .extracting(Event::getReason)
        .contains("DivergenceDetected", "RolledBack");
    assertThat(rolledBack.getSpec().ppo.learningRate).isEqualTo(0.001); // spec untouched

    trainer.train("collapse-a2", 300, 360, e -> 310);
    awaitEpisode("collapse", 360);
    trainer.report("collapse-a2", second, 400, 20.0); // collapses again: limit reached

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRun failed = get("collapse");
              assertThat(failed.getStatus().state).isEqualTo(RunState.FAILED);
              assertThat(failed.getStatus().message)
                  .contains("maxRollbacks")
                  .contains("ep-000000350-a0002"); // 310 at episode 350 beat the 300 of a1
            });
    awaitGone("collapse-a2");
    assertThat(metrics())
        .containsPattern(
            "ratchet_rollbacks_total\\{namespace=\"research\",reason=\"divergence\",run=\"collapse\"\\} 1\\.0")
        .containsPattern(
            "ratchet_rollbacks_remaining\\{namespace=\"research\",run=\"collapse\"\\} 0\\.0")
        .containsPattern(
            "ratchet_best_score_mean\\{namespace=\"research\",run=\"collapse\"\\} 310\\.0")
        .containsPattern(
            "ratchet_trainingrun_info\\{namespace=\"research\",phase=\"train\",run=\"collapse\",state=\"Failed\"\\} 1\\.0");
  }

  static String metrics() {
    return io.restassured.RestAssured.given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  @Test
  void aSucceededRunGivenOneMorePhaseTrainsItFromItsPhaseEndCheckpoint() throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "extended");
    run.getSpec().phases.get(0).until.anyOf.clear();
    run.getSpec().phases.get(0).until.episode = 100L;
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().divergence.enabled = false;
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();
    awaitPod("extended-a1");
    trainer.train("extended-a1", 0, 99, e -> 10 + e);
    awaitEpisode("extended", 99);
    trainer.finish("extended-a1", 110);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get("extended").getStatus().state).isEqualTo(RunState.SUCCEEDED));

    // kubectl apply of the same run with one more phase
    client
        .resources(TrainingRun.class)
        .inNamespace(NS)
        .withName("extended")
        .edit(
            r -> {
              PhaseSpec polish = new PhaseSpec();
              polish.name = "polish";
              polish.until = new UntilSpec();
              polish.until.episode = 200L;
              r.getSpec().phases.add(polish);
              return r;
            });

    awaitPod("extended-a2");
    TrainerConfig config = trainer.config("extended-a2");
    assertThat(config.phase()).isEqualTo("polish");
    assertThat(config.resumeFrom()).endsWith("/extended/checkpoints/ep-000000100-a0001/");
    trainer.train("extended-a2", 100, 199, e -> 110 + e);
    awaitEpisode("extended", 199);
    trainer.finish("extended-a2", 300);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRunStatus s = get("extended").getStatus();
              assertThat(s.state).isEqualTo(RunState.SUCCEEDED);
              assertThat(s.phase).isEqualTo("polish");
            });
    assertThat(get("extended").getStatus().history)
        .filteredOn(h -> h.type == HistoryType.EXTENSION)
        .singleElement()
        .satisfies(h -> assertThat(h.from + "->" + h.to).isEqualTo("train->polish"));
    assertThat(events("extended")).extracting(Event::getReason).contains("Extended");
  }

  @Test
  void aRunWarmStartedFromARunNotYetAppliedWaitsWithoutAPodThenStartsFromThatRunsBest()
      throws Exception {
    TrainingRun warm = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "warm");
    warm.getSpec().initFrom = new InitFromSpec();
    warm.getSpec().initFrom.run = "baseline";
    client.resources(TrainingRun.class).inNamespace(NS).resource(warm).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get("warm").getStatus())
                    .isNotNull() // not yet reconciled
                    .extracting(st -> st.message)
                    .isEqualTo(
                        "Waiting for the warm start's source: no TrainingRun baseline in"
                            + " namespace "
                            + NS
                            + " (spec.initFrom.run); the run starts once it exists, or fix the"
                            + " name."));

    TrainingRun baseline =
        TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "baseline");
    baseline.getSpec().phases.get(0).until.anyOf.clear();
    baseline.getSpec().phases.get(0).until.episode = 100L;
    baseline.getSpec().checkpoints.everyEpisodes = 50;
    baseline.getSpec().divergence.enabled = false;
    client.resources(TrainingRun.class).inNamespace(NS).resource(baseline).create();
    awaitPod("baseline-a1");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get("warm").getStatus().message)
                    .contains("run baseline (spec.initFrom.run) has no best checkpoint yet"));
    assertThat(client.pods().inNamespace(NS).withName("warm-a1").get()).isNull();
    assertThat(get("warm").getStatus().state).isEqualTo(RunState.PENDING);

    // the baseline peaks at episode 50: its first best checkpoint, which the waiting run takes
    // as soon as it is committed, stays its best to the end
    trainer.train("baseline-a1", 0, 99, e -> e <= 50 ? 10 + e : 10);
    awaitEpisode("baseline", 99);
    trainer.finish("baseline-a1", 10);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get("baseline").getStatus().state).isEqualTo(RunState.SUCCEEDED));

    awaitPod("warm-a1");
    String best = get("baseline").getStatus().bestCheckpoint.uri;
    assertThat(best).endsWith("/baseline/checkpoints/ep-000000050-a0001/");
    assertThat(trainer.config("warm-a1").initFrom()).isEqualTo(best);
    assertThat(trainer.config("warm-a1").resumeFrom()).isNull();
    assertThat(get("warm").getStatus().initializedFrom).isEqualTo(best);
  }

  @Test
  void anExternalEnvironmentsServerIsCreatedOnTheApiServerAsTheTrainerPodsSidecar()
      throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("gymnasium-cartpole.yaml", "gym");
    run.getSpec().environment.external.image = "registry.example/envs/gymnasium:1";
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();

    awaitPod("gym-a1");
    Pod pod = client.pods().inNamespace(NS).withName("gym-a1").get();

    assertThat(pod.getSpec().getContainers())
        .extracting(io.fabric8.kubernetes.api.model.Container::getName)
        .containsExactly("trainer");
    assertThat(pod.getSpec().getInitContainers())
        .singleElement()
        .satisfies(
            sidecar -> {
              assertThat(sidecar.getName()).isEqualTo("environment");
              assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
              assertThat(sidecar.getImage()).isEqualTo("registry.example/envs/gymnasium:1");
              assertThat(sidecar.getCommand()).startsWith("ratchet-env-serve");
              assertThat(sidecar.getEnv())
                  .extracting(e -> e.getName() + "=" + e.getValue())
                  .containsExactly("RATCHET_ENV_PORT=50061", "RATCHET_ENV_NUM_ENVS=8");
            });
    // the trainer reaches the server on the pod's own loopback, at the spec's port
    TrainerConfig config = trainer.config("gym-a1");
    assertThat(config.environment().external.port).isEqualTo(50061);
  }

  @Test
  void sameNonceTwiceRollsBackOnce() throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "manual");
    run.getSpec().phases.get(0).until.anyOf.clear();
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().divergence.enabled = false;
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();
    awaitPod("manual-a1");
    trainer.train("manual-a1", 0, 200, e -> e);
    awaitEpisode("manual", 200);

    // The documented one-liner: kubectl patch tr manual --type merge -p '{"spec":{"rollback":...}}'
    patchSpec(
        client,
        "manual",
        "{\"spec\":{\"rollback\":{\"to\":\"ep-000000100-a0001\",\"nonce\":\"2\"}}}");

    awaitPod("manual-a2");
    assertThat(trainer.config("manual-a2").resumeFrom()).endsWith("/ep-000000100-a0001/");
    trainer.train("manual-a2", 100, 150, e -> e);
    awaitEpisode("manual", 150);
    // Same nonce, another unrelated edit.
    patchSpec(client, "manual", "{\"spec\":{\"trainer\":{\"maxRestarts\":4}}}");
    Thread.sleep(1500); // several poll intervals

    assertThat(client.pods().inNamespace(NS).withName("manual-a3").get()).isNull();
    assertThat(get("manual").getStatus().history)
        .filteredOn(h -> h.type == HistoryType.MANUAL_ROLLBACK)
        .hasSize(1);
    assertThat(get("manual").getStatus().observedRollbackNonce).isEqualTo("2");
  }

  @Test
  void deletionKeepsCheckpointsUnlessAskedToDeleteThem() throws Exception {
    for (boolean delete : new boolean[] {false, true}) {
      String name = delete ? "cleanup" : "keep";
      TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", name);
      run.getSpec().checkpoints.everyEpisodes = 50;
      run.getSpec().checkpoints.deleteOnRunDeletion = delete;
      client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();
      awaitPod(name + "-a1");
      trainer.train(name + "-a1", 0, 100, e -> e);
      awaitEpisode(name, 100);

      client.resources(TrainingRun.class).inNamespace(NS).withName(name).delete();
      await().atMost(WAIT).until(() -> get(name) == null);

      long objects =
          StreamSupport.stream(
                  EmbeddedS3Resource.s3
                      .client()
                      .listObjects(
                          ListObjectsArgs.builder()
                              .bucket(EmbeddedS3Resource.BUCKET)
                              .prefix("quickstart/" + NS + "/" + name + "/checkpoints/")
                              .recursive(true)
                              .build())
                      .spliterator(),
                  false)
              .count();
      if (delete) {
        assertThat(objects).as("objects left after deletion with cleanup").isZero();
      } else {
        assertThat(objects).as("checkpoints kept").isEqualTo(4); // 2 checkpoints × 2 files
      }
    }
  }

  /**
   * Changes the spec with a merge patch, as {@code kubectl patch --type merge} does: it carries no
   * resourceVersion, so it cannot conflict with the operator's status updates.
   */
  static void patchSpec(KubernetesClient client, String name, String mergePatch) {
    client
        .resources(TrainingRun.class)
        .inNamespace(NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  @Test
  void credentialsAppearOnlyAsSecretReferencesNeverInConfigStatusEventsOrLogs() throws Exception {
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            logged.add(
                String.valueOf(record.getMessage())
                    + " "
                    + java.util.Arrays.toString(record.getParameters()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "secrets");
      run.getSpec().checkpoints.everyEpisodes = 50;
      run.getSpec().phases.get(0).until.episode = 200L;
      run.getSpec().phases.get(0).until.anyOf.clear();
      client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();
      awaitPod("secrets-a1");
      trainer.train("secrets-a1", 0, 199, e -> 10 + e * 0.1);
      trainer.finish("secrets-a1", 30);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(get("secrets").getStatus().state).isEqualTo(RunState.SUCCEEDED));
    } finally {
      root.removeHandler(capture);
    }
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> places = new java.util.ArrayList<>();
    places.add("status: " + json.writeValueAsString(get("secrets").getStatus()));
    for (var map : client.configMaps().inNamespace(NS).list().getItems()) {
      places.add("configmap " + map.getMetadata().getName() + ": " + map.getData());
    }
    for (var event : client.v1().events().inNamespace(NS).list().getItems()) {
      places.add("event: " + event.getMessage());
    }
    for (var pod : client.pods().inNamespace(NS).list().getItems()) {
      places.add(
          "pod " + pod.getMetadata().getName() + ": " + json.writeValueAsString(pod.getSpec()));
    }
    logged.forEach(line -> places.add("log: " + line));
    for (String secret : List.of(S3ProxyProcess.SECRET_KEY, S3ProxyProcess.ACCESS_KEY)) {
      assertThat(places).as("places holding %s", secret).noneMatch(p -> p.contains(secret));
    }
    // status, the attempt's config map, its events and pod were all searched
    assertThat(places).hasSizeGreaterThan(3);
  }
}

package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.core.platform.SupervisorMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Crashes, suspend/resume and an operator restarted in the middle of a rollback. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedS3Resource.class)
class TrainingRunRecoveryTest {

  static final String NS = TrainingRunReconcilerTest.NAMESPACE;
  static final Duration WAIT = Duration.ofSeconds(40);

  @Inject KubernetesClient client;
  @Inject ScriptedProgressClient progress;
  @Inject OperatorConfig settings;
  @Inject RunStorage storage;
  @Inject SupervisorMetrics metrics;
  @Inject Clock clock;

  TrainingRunReconcilerTest setup = new TrainingRunReconcilerTest();
  ScriptedTrainer trainer;

  @BeforeEach
  void setUp() throws Exception {
    setup.client = client;
    setup.setUp();
    trainer =
        new ScriptedTrainer(client, NS, EmbeddedS3Resource.s3.client(), progress, setup.kubelet);
  }

  @AfterEach
  void tearDown() {
    setup.tearDown();
  }

  private TrainingRun get(String name) {
    return client.resources(TrainingRun.class).inNamespace(NS).withName(name).get();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private void awaitRunning(String name) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                pod(name) != null
                    && pod(name).getStatus() != null
                    && "Running".equals(pod(name).getStatus().getPhase()));
  }

  private List<Pod> podsOf(String run) {
    return client.pods().inNamespace(NS).withLabel(TrainerLabels.RUN, run).list().getItems();
  }

  private long eventCount(String run, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> run.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .mapToLong(Event::getCount)
        .sum();
  }

  private TrainingRun create(String name) throws Exception {
    TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", name);
    run.getSpec().phases.get(0).until.episode = 2000L;
    run.getSpec().phases.get(0).until.anyOf.clear();
    run.getSpec().checkpoints.everyEpisodes = 50;
    run.getSpec().divergence.graceEpisodes = 0;
    return run;
  }

  @Test
  void crashLoopRestartsWithBackoffThenFailsListingTheExitCodes() throws Exception {
    TrainingRun run = create("crashy");
    run.getSpec().trainer.maxRestarts = 1;
    client.resources(TrainingRun.class).inNamespace(NS).resource(run).create();

    awaitRunning("crashy-a1");
    setup.kubelet.exit("crashy-a1", 137, "OOMKilled");
    awaitRunning("crashy-a2"); // after the first backoff
    assertThat(get("crashy").getStatus().history)
        .anySatisfy(h -> assertThat(h.type).isEqualTo(HistoryType.RESTART));
    setup.kubelet.exit("crashy-a2", 1, "Error");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRun failed = get("crashy");
              assertThat(failed.getStatus().state).isEqualTo(RunState.FAILED);
              assertThat(failed.getStatus().message)
                  .contains("trainer.maxRestarts = 1")
                  .contains("137")
                  .contains("OOMKilled");
            });
    assertThat(eventCount("crashy", "Restarted")).isEqualTo(1);
    assertThat(TrainingRunLifecycleTest.metrics())
        .containsPattern("ratchet_restarts_total\\{namespace=\"research\",run=\"crashy\"\\} 1\\.0");
    assertThat(pod("crashy-a3")).isNull();
  }

  @Test
  void aTrainerThatRefusesItsConfigFailsTheRunAfterOneAttemptWithItsOwnReason() throws Exception {
    client.resources(TrainingRun.class).inNamespace(NS).resource(create("badcfg")).create();
    awaitRunning("badcfg-a1");
    String reason = "bad config: environment.options.goldpiles is not an option of dungeon";
    setup.kubelet.exit("badcfg-a1", 2, "Error", reason); // its termination message

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TrainingRun failed = get("badcfg");
              assertThat(failed.getStatus().state).isEqualTo(RunState.FAILED);
              assertThat(failed.getStatus().message)
                  .contains("refused its config (exit code 2): " + reason);
            });
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "badcfg".equals(e.getInvolvedObject().getName()))
                .filter(e -> "Failed".equals(e.getReason()) && "Warning".equals(e.getType())))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(reason));
    assertThat(eventCount("badcfg", "Restarted")).isZero();
    assertThat(pod("badcfg-a2")).isNull();
  }

  @Test
  void suspendStopsAfterAPreemptCheckpointAndResumeStartsFromIt() throws Exception {
    client.resources(TrainingRun.class).inNamespace(NS).resource(create("pause")).create();
    awaitRunning("pause-a1");
    trainer.train("pause-a1", 0, 110, e -> e);
    TrainerConfig first = trainer.config("pause-a1");

    // A merge patch, as `kubectl patch` sends: no resourceVersion to race the operator's status.
    TrainingRunLifecycleTest.patchSpec(client, "pause", "{\"spec\":{\"suspend\":true}}");
    // On SIGTERM the trainer commits a preempt checkpoint before it exits.
    trainer.commit(first, 120, CheckpointKind.PREEMPT, 120);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get("pause").getStatus().state).isEqualTo(RunState.SUSPENDED);
              assertThat(podsOf("pause"))
                  .noneSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
            });

    TrainingRunLifecycleTest.patchSpec(client, "pause", "{\"spec\":{\"suspend\":false}}");

    awaitRunning("pause-a2");
    assertThat(trainer.config("pause-a2").resumeFrom()).endsWith("/ep-000000120-a0001/");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(get("pause").getStatus().state).isNotEqualTo(RunState.SUSPENDED));
  }

  @Test
  void operatorRestartedInTheMiddleOfARollbackStartsExactlyOneTrainer() throws Exception {
    client.resources(TrainingRun.class).inNamespace(NS).resource(create("restart")).create();
    awaitRunning("restart-a1");
    // Hold the old pod in Terminating, as a trainer writing its preempt checkpoint would.
    client
        .pods()
        .inNamespace(NS)
        .withName("restart-a1")
        .edit(
            p -> {
              p.getMetadata().setFinalizers(new ArrayList<>(List.of("test.ratchet.dev/hold")));
              return p;
            });
    trainer.train("restart-a1", 0, 300, e -> e);
    await().atMost(WAIT).until(() -> get("restart").getStatus().episode == 300L);
    trainer.report("restart-a1", trainer.config("restart-a1"), 340, 30.0); // collapse

    await()
        .atMost(WAIT)
        .until(
            () ->
                get("restart").getStatus().state == RunState.ROLLING_BACK
                    && pod("restart-a1").getMetadata().getDeletionTimestamp() != null);

    // A freshly started operator: nothing in memory, the same status and pods.
    TrainingRunReconciler restarted =
        new TrainingRunReconciler(client, settings, progress, storage, metrics, clock);
    for (int i = 0; i < 3; i++) {
      restarted.reconcile(get("restart"), podsOf("restart"));
    }
    assertThat(pod("restart-a2")).as("no second trainer while the first is stopping").isNull();

    client
        .pods()
        .inNamespace(NS)
        .withName("restart-a1")
        .edit(
            p -> {
              p.getMetadata().setFinalizers(new ArrayList<>());
              return p;
            });
    // The running operator creates attempt 2's pod, then records it in status: the restarted one
    // reads the run only after both, as a successor would (reading between the two, it would take
    // the new pod for a stranger and stop it — two operators at once, which leader election
    // prevents; a heavily loaded machine hit that window).
    await()
        .atMost(WAIT)
        .until(
            () ->
                pod("restart-a2") != null
                    && Integer.valueOf(2).equals(get("restart").getStatus().attempt));
    for (int i = 0; i < 3; i++) {
      restarted.reconcile(get("restart"), podsOf("restart"));
    }
    Thread.sleep(1000);

    assertThat(podsOf("restart"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("restart-a2");
    assertThat(get("restart").getStatus().rollbacks).isEqualTo(1);
    assertThat(eventCount("restart", "RolledBack")).isEqualTo(1);
  }
}

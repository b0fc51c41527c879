package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decisions survive repetition and operator restarts; retention keeps what matters. */
class IdempotencyTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static FakePlatform nanRun() {
    return new FakePlatform(
        SafetyNetsTest.spec(),
        (long e, TrainerConfig c) ->
            new FakePlatform.Sample(Math.min(500, e / 2.0), 1, null, 0.3, e == 1337));
  }

  @Test
  void anOperatorRestartedMidRollbackNeitherRollsBackTwiceNorStartsTwoTrainers() {
    FakePlatform p = nanRun();
    Observation seen;
    Decision rollback;
    TrainingRunStatus before;
    while (true) {
      p.advance(50);
      seen = p.observe();
      before = p.status;
      rollback = p.supervisor.decide(p.run, before, seen, p.now);
      if (!rollback.actionsOf(Action.StopAttempt.class).isEmpty()) {
        break;
      }
      p.apply(rollback);
      p.status = rollback.status();
    }
    assertThat(rollback.status().rollbacks).isEqualTo(1);
    assertThat(rollback.status().state).isEqualTo(RunState.ROLLING_BACK);
    assertThat(rollback.actionsOf(Action.StartAttempt.class)).isEmpty(); // attempt 1 still runs

    // the same inputs decide the same
    Decision again = p.supervisor.decide(p.run, before, seen, p.now);
    assertThat(json(again)).isEqualTo(json(rollback));

    // restarted before the stop was carried out: the rollback is finished, not taken again
    TrainingRunStatus recorded = rollback.status();
    Decision resumed = p.supervisor.decide(p.run, recorded, seen, p.now.plusSeconds(30));
    assertThat(resumed.actionsOf(Action.EmitEvent.class)).isEmpty();
    assertThat(resumed.actionsOf(Action.StartAttempt.class)).isEmpty();
    assertThat(resumed.actionsOf(Action.StopAttempt.class))
        .singleElement()
        .isInstanceOfSatisfying(
            Action.StopAttempt.class, s -> assertThat(s.attempt()).isEqualTo(1));
    assertThat(resumed.status().rollbacks).isEqualTo(1);
    assertThat(resumed.status().history).hasSameSizeAs(recorded.history);

    // the old trainer has ended: the planned attempt starts, once
    p.apply(resumed);
    p.status = resumed.status();
    Observation ended = p.observe();
    Decision start = p.supervisor.decide(p.run, p.status, ended, p.now);
    assertThat(start.actionsOf(Action.StartAttempt.class)).hasSize(1);
    Action.StartAttempt first = start.actionsOf(Action.StartAttempt.class).get(0);
    assertThat(first.attempt()).isEqualTo(2);

    // restarted before the pod was created: the same attempt is re-issued, not a third one
    Decision reissued = p.supervisor.decide(p.run, start.status(), ended, p.now.plusSeconds(5));
    assertThat(reissued.actionsOf(Action.StartAttempt.class))
        .singleElement()
        .satisfies(s -> assertThat(json(s)).isEqualTo(json(first)));
    assertThat(reissued.status().rollbacks).isEqualTo(1);
    assertThat(reissued.status().attempt).isEqualTo(2);

    // a stale progress report of attempt 1 (with its NaN) does not trigger anything now
    p.apply(reissued);
    p.status = reissued.status();
    p.advance(0); // pending → running
    Observation stale =
        new Observation(p.observe().trainer(), seen.progress(), seen.checkpoints(), List.of());
    Decision calm = p.supervisor.decide(p.run, p.status, stale, p.now);
    assertThat(calm.actionsOf(Action.StopAttempt.class)).isEmpty();
    assertThat(calm.status().rollbacks).isEqualTo(1);
    assertThat(p.violations).isEmpty();
  }

  @Test
  void aTrainerOfAnotherAttemptIsStoppedBeforeAnythingStarts() {
    FakePlatform p = nanRun();
    p.tick(0);
    p.tick(0);
    p.tick(100);
    TrainerObservation orphan = TrainerObservation.running(7);
    Decision d =
        p.supervisor.decide(
            p.run, p.status, new Observation(orphan, null, List.of(), List.of()), p.now);
    assertThat(d.actions())
        .singleElement()
        .isInstanceOfSatisfying(
            Action.StopAttempt.class, s -> assertThat(s.attempt()).isEqualTo(7));
  }

  @Test
  void retentionKeepsBestLatestPhaseEndsAndReferencesAndNeverTouchesRejected() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    spec.checkpoints.keepLast = 2;
    spec.divergence.enabled = false;
    // the score peaks at episode 1500 and falls back: the best is an old checkpoint
    FakePlatform p =
        new FakePlatform(
            spec,
            (long e, TrainerConfig c) ->
                new FakePlatform.Sample(100 - Math.abs(e - 1500) / 50.0, 0, 1.0, 0.3, false));
    for (int i = 0; i < 60; i++) {
      p.tick(50);
    }
    // a checkpoint whose files do not match their sha256, with a tempting score
    CheckpointManifest bad = p.storage.lastEntry().getValue();
    assertThat(bad).isNotNull();
    CheckpointManifest tampered =
        new CheckpointManifest(
            1,
            bad.id(),
            "ml",
            "run",
            bad.attempt(),
            bad.phase(),
            bad.phaseIndex(),
            bad.episode(),
            bad.envSteps(),
            CheckpointKind.PERIODIC,
            bad.createdAt(),
            Map.of("scoreMean", 1e9),
            false,
            List.of(),
            null,
            null);
    p.storage.put(bad.id(), tampered);
    p.rejected.add(bad.id());
    p.rejected.add("ep-000002999-a0002"); // a folder without manifest yet
    p.runUntilFinal(50, 100);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.bestCheckpoint.id).isEqualTo("ep-000001500-a0002");
    assertThat(p.storage).containsKey(bad.id()); // never deleted, never used
    List<String> kept = new ArrayList<>(p.storage.keySet());
    kept.remove(bad.id());
    assertThat(kept)
        .containsExactlyInAnyOrder(
            "ep-000001000-a0001", // warmup's end
            "ep-000001500-a0002", // the best
            "ep-000003000-a0002", // transition's end
            "ep-000004800-a0003", // the newest periodic ones (keepLast 2)
            "ep-000004900-a0003",
            "ep-000005000-a0003"); // fine-tune's end, the latest
    assertThat(p.events(EventType.CHECKPOINT_REJECTED)).hasSize(1);
    assertThat(p.events(EventType.CHECKPOINT_REJECTED).get(0).message())
        .contains(bad.id(), "ep-000002999-a0002");
    assertThat(p.status.watch.rejectedCheckpoints)
        .containsExactlyInAnyOrder(bad.id(), "ep-000002999-a0002");
    assertThat(p.status.conditions)
        .filteredOn(c -> c.getType().equals("Degraded"))
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("CheckpointsRejected"));
  }

  @Test
  void statusCarriesConditionsEtaAndBoundedHistory() {
    TrainingRunSpec spec = SafetyNetsTest.spec();
    spec.trainer.maxRestarts = 100;
    FakePlatform p = new FakePlatform(spec, SafetyNetsTest.rising());
    p.tick(0);
    p.tick(0);
    for (int i = 0; i < 60; i++) {
      p.tick(30);
      p.crash(1, "Error");
      p.decideAndApply();
      p.now = p.now.plusSeconds(400);
      p.decideAndApply();
      p.tick(0);
    }
    assertThat(p.history(HistoryType.RESTART)).hasSize(TrainingRunStatus.HISTORY_LIMIT);
    assertThat(p.status.history).hasSize(TrainingRunStatus.HISTORY_LIMIT);
    assertThat(p.status.restarts).isEqualTo(60);
    p.tick(50);
    long remaining = 4000 - p.status.episode; // at 10 episodes per minute: 6 s each
    assertThat(p.status.estimatedCompletionTime)
        .isEqualTo(p.now.plusSeconds(remaining * 6).toString());
    assertThat(p.status.conditions)
        .extracting(c -> c.getType())
        .containsExactly("Ready", "Progressing", "Diverged", "Degraded", "StorageAvailable");
    assertThat(p.status.conditions)
        .allSatisfy(
            c -> {
              assertThat(c.getReason()).isNotBlank();
              assertThat(c.getMessage()).isNotBlank();
              assertThat(c.getLastTransitionTime()).isNotBlank();
              assertThat(c.getObservedGeneration()).isEqualTo(1L);
            });
    assertThat(p.status.observedGeneration).isEqualTo(1L);
  }
}

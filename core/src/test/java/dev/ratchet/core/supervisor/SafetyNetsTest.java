package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.EarlyStoppingSpec;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.NonFiniteAction;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NaN, plateau, crash loop, manual rollback, suspend and resume, invalid specs. */
class SafetyNetsTest {

  /** A single-phase run of 4000 episodes, checkpoints every 100, a 100-episode window. */
  static TrainingRunSpec spec() {
    TrainingRunSpec spec = FakePlatform.example("intercept-lstm.yaml");
    spec.ppo.learningRate = 3e-4;
    spec.phases.get(0).until.anyOf.clear();
    spec.phases.get(0).until.episode = 4000L;
    spec.checkpoints.everyEpisodes = 100;
    spec.checkpoints.best.window = 100;
    spec.divergence.window = 100;
    spec.divergence.graceEpisodes = 200;
    spec.divergence.cooldownEpisodes = 300;
    spec.earlyStopping = null;
    spec.trainer.maxRestarts = 3;
    return spec;
  }

  /** Rises to 500 by episode 1000, then keeps rising slowly. */
  static FakePlatform.Series rising() {
    return (long e, TrainerConfig c) ->
        FakePlatform.Sample.of(Math.min(500, e / 2.0) + e / 100.0, Math.min(500, e / 2.0));
  }

  @Test
  void aNanAtAnArbitraryEpisodeRollsBackToTheBestCheckpoint() {
    long nanAt = 1337;
    FakePlatform p =
        new FakePlatform(
            spec(),
            (long e, TrainerConfig c) ->
                new FakePlatform.Sample(
                    Math.min(500, e / 2.0), 1, null, 0.3, e == nanAt && c.attempt() == 1));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1);
    assertThat(rollbacks.get(0).episode).isEqualTo(1337); // the episode of the NaN itself
    assertThat(rollbacks.get(0).reason).contains("1 non-finite (NaN/Inf) update(s)");
    // the best checkpoint when it happened: the score had plateaued at 500 from episode 1000
    assertThat(rollbacks.get(0).to).isEqualTo("ep-000001300-a0001");
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo("ep-000001300-a0001");
    assertThat(p.started.get(2).ppo().learningRate).isCloseTo(3e-4 * 0.33, offset());
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aNanWithOnNonFiniteFailEndsTheRun() {
    TrainingRunSpec spec = spec();
    spec.divergence.onNonFinite = NonFiniteAction.FAIL;
    FakePlatform p =
        new FakePlatform(
            spec, (long e, TrainerConfig c) -> new FakePlatform.Sample(1, 1, null, 0.3, e == 777));

    p.runUntilFinal(50, 200);

    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message).contains("onNonFinite is fail");
    assertThat(p.started).hasSize(1);
    assertThat(p.trainerActive()).isFalse();
  }

  @Test
  void aPlateauStopsTheRunEarlyAndKeepsTheBestCheckpoint() {
    TrainingRunSpec spec = spec();
    spec.divergence.enabled = false;
    spec.earlyStopping = new EarlyStoppingSpec();
    spec.earlyStopping.patienceEpisodes = 500;
    spec.earlyStopping.minDelta = 1.0;
    // rises to 300 by episode 600, then wanders within ±0.5: no improvement above 1.0
    FakePlatform p =
        new FakePlatform(
            spec,
            (long e, TrainerConfig c) ->
                FakePlatform.Sample.of(e < 600 ? e / 2.0 : 300 + 0.5 * Math.sin(e / 13.0), 0));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.EARLY_STOPPED);
    List<HistoryEntry> stops = p.history(HistoryType.EARLY_STOP);
    assertThat(stops).hasSize(1);
    assertThat(stops.get(0).episode).isEqualTo(1100); // last improvement at 600, patience 500
    assertThat(stops.get(0).reason).contains("no improvement of scoreMean by more than 1");
    assertThat(p.status.message).contains("best checkpoint is " + p.status.bestCheckpoint.id);
    assertThat(p.storage).containsKey(p.status.bestCheckpoint.id);
    assertThat(p.trainerActive()).isFalse();
    assertThat(p.status.completionTime).isNotNull();
    assertThat(p.events(EventType.EARLY_STOPPED)).hasSize(1);
  }

  @Test
  void aCrashLoopFailsAfterMaxRestartsListingTheExitCodes() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.tick(0); // attempt 1 starts
    p.tick(0); // it runs
    int[] codes = {137, 1, 139, 1};
    String[] reasons = {"OOMKilled", "Error", null, "Error"};
    Instant lastCrash = null;
    List<Duration> waits = new java.util.ArrayList<>();
    for (int i = 0; i < codes.length; i++) {
      p.tick(20); // trains 20 episodes, writes no checkpoint
      p.crash(codes[i], reasons[i]);
      lastCrash = p.now;
      p.decideAndApply();
      // wait out the backoff, one minute at a time
      for (int k = 0; k < 10 && p.status.state != RunState.FAILED && !p.trainerActive(); k++) {
        p.now = p.now.plusSeconds(5);
        p.decideAndApply();
      }
      if (p.trainerActive()) {
        waits.add(Duration.between(lastCrash, p.now));
      }
    }

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.restarts).isEqualTo(3);
    assertThat(p.started).hasSize(4);
    assertThat(p.history(HistoryType.RESTART))
        .extracting(h -> h.reason)
        .satisfiesExactly(
            r -> assertThat(r).contains("attempt 1 exited with code 137 (OOMKilled)"),
            r -> assertThat(r).contains("attempt 2 exited with code 1 (Error)"),
            r -> assertThat(r).contains("attempt 3 exited with code 139"));
    // exponential backoff: 10 s, 20 s, 40 s (checked every 5 s)
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40));
    assertThat(p.status.message)
        .contains("crashed 4 times in a row, more than trainer.maxRestarts = 3")
        .contains(
            "attempt 1: 137 OOMKilled",
            "attempt 2: 1 Error",
            "attempt 3: 139",
            "attempt 4: 1 Error");
    assertThat(p.events(EventType.FAILED)).hasSize(1);
  }

  @Test
  void aCrashAfterACommittedCheckpointStartsANewSeriesFromTheLatest() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.tick(0); // attempt 1 starts
    p.tick(0); // it runs
    p.tick(250); // checkpoints at 100 and 200
    p.crash(137, "OOMKilled");
    p.decideAndApply();
    p.now = p.now.plusSeconds(10);
    p.decideAndApply();

    assertThat(p.started).hasSize(2);
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo("ep-000000200-a0001");
    assertThat(p.status.watch.consecutiveCrashes).isEqualTo(1);
    assertThat(p.status.conditions)
        .filteredOn(c -> c.getType().equals("Degraded"))
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("TrainerCrashing"));
  }

  @Test
  void anExitZeroBeforeTheUntilEpisodeIsRestartedNotTakenForThePhasesEnd() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.tick(0);
    p.tick(0);
    p.tick(250);
    // a node drain: SIGTERM, a preempt checkpoint, exit 0
    p.write(dev.ratchet.api.trainer.CheckpointKind.PREEMPT);
    p.trainerPhase = TrainerPhase.SUCCEEDED;
    p.exitCode = 0;
    p.decideAndApply();
    p.now = p.now.plusSeconds(10);
    p.decideAndApply();

    assertThat(p.violations).isEmpty();
    assertThat(p.history(HistoryType.PHASE_TRANSITION)).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.RUNNING);
    assertThat(p.history(HistoryType.RESTART))
        .singleElement()
        .satisfies(
            h ->
                assertThat(h.reason)
                    .contains("stopped at episode 250 before its until episode 4000"));
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo("ep-000000250-a0001");
    assertThat(p.status.watch.consecutiveCrashes).isEqualTo(1);
  }

  @Test
  void theResourceEntryPointUsesTheRunsNamespaceAndName() {
    dev.ratchet.api.v1alpha1.TrainingRun run = new dev.ratchet.api.v1alpha1.TrainingRun();
    run.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace("rl")
            .withName("intercept")
            .withGeneration(4L)
            .build());
    run.setSpec(spec());

    Decision d = new Supervisor().decide(run, Observation.empty(), Instant.EPOCH);

    Action.StartAttempt start = d.actionsOf(Action.StartAttempt.class).get(0);
    assertThat(start.attempt()).isEqualTo(1);
    assertThat(start.config().namespace()).isEqualTo("rl");
    assertThat(start.config().run()).isEqualTo("intercept");
    assertThat(start.config().resumeFrom()).isNull();
    assertThat(d.status().trainerPod).isEqualTo("intercept-a1"); // the pod's own name
    assertThat(d.status().observedGeneration).isEqualTo(4L);
    assertThat(run.getStatus()).isNull(); // the input is never modified
  }

  @Test
  void aNewNonceRollsBackOnceAndTheSameNonceAgainDoesNothing() {
    TrainingRunSpec spec = spec();
    FakePlatform p = new FakePlatform(spec, rising());
    for (int i = 0; i < 30; i++) {
      p.tick(50);
    }
    long before = p.status.episode;
    spec.rollback = new ManualRollbackSpec();
    spec.rollback.to = "ep-000001000-a0001";
    spec.rollback.nonce = "2026-01-01-a";
    p.run = new FakePlatform(spec, rising()).run; // same spec object, new generation below
    p.run = new RunContext("ml", "run", 2L, spec);

    for (int i = 0; i < 20; i++) {
      p.tick(50); // the same nonce stays in the spec for all of these
    }

    assertThat(p.violations).isEmpty();
    assertThat(p.history(HistoryType.MANUAL_ROLLBACK)).hasSize(1);
    assertThat(p.history(HistoryType.MANUAL_ROLLBACK).get(0).episode).isEqualTo(before + 50);
    assertThat(p.events(EventType.MANUAL_ROLLBACK)).hasSize(1);
    assertThat(p.started).hasSize(2);
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo("ep-000001000-a0001");
    assertThat(p.started.get(2).ppo().learningRate).isEqualTo(3e-4); // manual: no scaling
    assertThat(p.status.observedRollbackNonce).isEqualTo("2026-01-01-a");
    assertThat(p.status.rollbacks).isZero();
    assertThat(p.storage).containsKey("ep-000001000-a0001"); // spec.rollback.to is kept
  }

  @Test
  void aManualRollbackToAnUnknownCheckpointStopsNothingAndSaysWhy() {
    TrainingRunSpec spec = spec();
    FakePlatform p = new FakePlatform(spec, rising());
    for (int i = 0; i < 10; i++) {
      p.tick(50);
    }
    spec.rollback = new ManualRollbackSpec();
    spec.rollback.to = "ep-000009999-a0007";
    spec.rollback.nonce = "x";
    p.run = new RunContext("ml", "run", 2L, spec);

    Decision d = p.tick(50);

    assertThat(d.actionsOf(Action.StopAttempt.class)).isEmpty();
    assertThat(d.actionsOf(Action.StartAttempt.class)).isEmpty();
    assertThat(p.trainerActive()).isTrue();
    assertThat(d.status().message)
        .contains(
            "ep-000009999-a0007", "no committed checkpoint with that id", "ep-000000400-a0001");
    assertThat(d.status().observedRollbackNonce).isEqualTo("x");
    assertThat(p.events(EventType.MANUAL_ROLLBACK_REJECTED)).hasSize(1);
    p.tick(50);
    assertThat(p.events(EventType.MANUAL_ROLLBACK_REJECTED)).hasSize(1);
    assertThat(p.history(HistoryType.MANUAL_ROLLBACK)).isEmpty();
  }

  @Test
  void aNoncePresentWhenTheRunIsCreatedAsksForNothing() {
    TrainingRunSpec spec = spec();
    spec.rollback = new ManualRollbackSpec();
    spec.rollback.nonce = "1";
    FakePlatform p = new FakePlatform(spec, rising());
    for (int i = 0; i < 10; i++) {
      p.tick(50);
    }
    assertThat(p.history(HistoryType.MANUAL_ROLLBACK)).isEmpty();
    assertThat(p.started).hasSize(1);
  }

  @Test
  void suspendStopsWithAPreemptCheckpointAndResumeStartsFromIt() {
    TrainingRunSpec spec = spec();
    FakePlatform p = new FakePlatform(spec, rising());
    for (int i = 0; i < 10; i++) {
      p.tick(47);
    }
    spec.suspend = true;
    Decision stop = p.tick(0);
    assertThat(stop.actionsOf(Action.StopAttempt.class))
        .singleElement()
        .satisfies(s -> assertThat(s.preemptCheckpoint()).isTrue());
    assertThat(p.status.state).isEqualTo(RunState.SUSPENDED);
    String preempt = p.storage.lastKey();
    assertThat(preempt).isEqualTo("ep-000000376-a0001"); // 8 ticks of 47 after start
    p.tick(0);
    p.tick(0);
    assertThat(p.started).hasSize(1);

    spec.suspend = false;
    p.tick(0);

    assertThat(p.started).hasSize(2);
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo(preempt);
    assertThat(p.history(HistoryType.SUSPEND)).hasSize(1);
    assertThat(p.history(HistoryType.RESUME)).hasSize(1);
    assertThat(p.status.state).isEqualTo(RunState.RUNNING);
    assertThat(p.violations).isEmpty();
  }

  @Test
  void anInvalidSpecFailsWithTheValidatorsMessageAndStartsNothing() {
    TrainingRunSpec spec = spec();
    spec.phases.get(0).until.episode = null; // the last phase needs an episode count
    Supervisor supervisor = new Supervisor();

    Decision d =
        supervisor.decide(
            new RunContext("ml", "run", 1L, spec), null, Observation.empty(), Instant.EPOCH);

    assertThat(d.actionsOf(Action.StartAttempt.class)).isEmpty();
    assertThat(d.status().state).isEqualTo(RunState.FAILED);
    assertThat(d.status().message)
        .startsWith("The spec is invalid: ")
        .contains("spec.phases[0].until");
    assertThat(d.actionsOf(Action.EmitEvent.class))
        .extracting(Action.EmitEvent::type)
        .containsExactly(EventType.FAILED);

    // the same invalid spec again: no second failure event; fixed: the run starts
    Decision again =
        supervisor.decide(
            new RunContext("ml", "run", 1L, spec), d.status(), Observation.empty(), Instant.EPOCH);
    assertThat(again.actions()).isEmpty();
    spec.phases.get(0).until.episode = 100L;
    Decision fixed =
        supervisor.decide(
            new RunContext("ml", "run", 2L, spec),
            again.status(),
            Observation.empty(),
            Instant.EPOCH);
    assertThat(fixed.actionsOf(Action.StartAttempt.class)).hasSize(1);
    assertThat(fixed.status().state).isEqualTo(RunState.RUNNING);
    assertThat(fixed.status().observedGeneration).isEqualTo(2L);
  }

  private static org.assertj.core.data.Offset<Double> offset() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }

  @Test
  void aCheckpointTheTrainerRefusesIsNeverResumedFromAgainAndIsKept() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.runUntil(s -> s.episode != null && s.episode >= 1250);
    p.crash(1, "Error"); // restarts from the latest checkpoint, ep-000001200-a0001
    p.settle();
    assertThat(p.status.currentAttempt.resumeFrom).isEqualTo("ep-000001200-a0001");
    // that checkpoint passed the listing's size checks but not the trainer's sha256 check
    p.crash(4, "ratchet-trainer: refused checkpoint: parameters.bin has sha256 5e… not 9a…");
    p.settle();

    assertThat(p.status.currentAttempt.number).isEqualTo(3);
    assertThat(p.status.currentAttempt.resumeFrom).isEqualTo("ep-000001100-a0001");
    assertThat(p.status.watch.refusedCheckpoints).containsExactly("ep-000001200-a0001");
    assertThat(p.events(EventType.CHECKPOINT_REJECTED))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("refused checkpoint: parameters.bin"));
    assertThat(p.storage).containsKey("ep-000001200-a0001"); // kept, never deleted
    p.runUntilFinal(50, 200);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.storage).containsKey("ep-000001200-a0001");
    assertThat(p.violations).isEmpty();
  }

  @Test
  void aConfigTheTrainerRefusesFailsTheRunAtOnce() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.tick(0);
    p.tick(0);
    p.crash(2, "ratchet-trainer: bad config: environment.options.goldpiles is not an option");
    p.decideAndApply();

    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.message)
        .contains("refused its config (exit code 2)")
        .contains("environment.options.goldpiles");
    assertThat(p.history(HistoryType.RESTART)).isEmpty();
    assertThat(p.started).hasSize(1);
  }

  @Test
  void aStalledTrainerIsKilledAndRestartedAfterTheStallTimeout() {
    TrainingRunSpec spec = spec();
    spec.trainer.stallTimeoutSeconds = 600;
    spec.trainer.restartBackoffSeconds = 1;
    FakePlatform p = new FakePlatform(spec, rising());
    p.runUntil(s -> s.episode != null && s.episode >= 800);
    p.frozen = true; // SIGSTOP: alive, but no episode and no answer
    Instant stoppedAt = p.now;
    for (int i = 0; i < 20 && p.status.currentAttempt.number == 1; i++) {
      p.now = p.now.plusSeconds(60);
      p.decideAndApply();
    }

    assertThat(p.events(EventType.STALLED))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.message())
                    .contains("finished no episode for")
                    .contains("trainer.stallTimeoutSeconds = 600")
                    .contains("the last reported was episode 8"));
    assertThat(Duration.between(stoppedAt, p.now))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(12));
    assertThat(p.all(Action.StopAttempt.class))
        .anySatisfy(s -> assertThat(s.preemptCheckpoint()).isFalse());
    assertThat(p.status.currentAttempt.number).isEqualTo(2);
    assertThat(p.history(HistoryType.RESTART)).hasSize(1);
    p.runUntilFinal(50, 200);
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.violations).isEmpty();
  }

  @Test
  void implausibleProgressIsIgnoredWithAReasonAndJudgesNothing() {
    FakePlatform p = new FakePlatform(spec(), rising());
    p.runUntil(s -> s.episode != null && s.episode >= 600);
    long judged = Supervisor.judgedThrough(p.status);
    long episode = p.status.episode;

    p.tamper = r -> withEpisode(r, r.episode() - 400); // the episode goes backwards
    p.tick(50);
    assertThat(p.events(EventType.PROGRESS_REJECTED))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("the episode went backwards from"));
    assertThat(Supervisor.judgedThrough(p.status)).isEqualTo(judged);
    assertThat(p.status.episode).isEqualTo(episode);

    p.tamper = r -> r;
    p.progressProblem = "the answer is not a progress report: Unexpected character ('<')";
    p.tick(50);
    assertThat(p.events(EventType.PROGRESS_REJECTED))
        .hasSize(2)
        .last()
        .satisfies(e -> assertThat(e.message()).contains("not a progress report"));
    assertThat(Supervisor.judgedThrough(p.status)).isEqualTo(judged);

    p.progressProblem = null;
    p.runUntilFinal(50, 200);
    assertThat(p.status.watch.progressRejected).isNull();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.history(HistoryType.ROLLBACK)).isEmpty();
  }

  private static ProgressReport withEpisode(ProgressReport r, long episode) {
    return new ProgressReport(
        r.attempt(),
        r.phase(),
        episode,
        r.envSteps(),
        r.untilEpisode(),
        r.windowEpisodes(),
        r.scoreMean(),
        r.scoreStd(),
        r.scoreMax(),
        r.rewardMean(),
        r.alphaEntropy(),
        r.gradNorm(),
        r.learningRate(),
        r.episodesPerMinute(),
        r.nonFiniteCount(),
        r.lastCheckpoint(),
        r.state(),
        r.updatedAt(),
        List.of(),
        null,
        null);
  }
}

package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property-style: random observation sequences (training, crashes, disappearing trainers, NaNs,
 * collapses, suspends, manual rollbacks, rejected checkpoints, repeated and stale decisions) never
 * yield two trainers, never delete a referenced checkpoint, never roll back more than maxRollbacks
 * times, and deciding twice on the same input gives the same output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RandomObservationsTest {

  /** What the random runs went through, summed over seeds: the properties were really tested. */
  private final Map<String, Long> covered = new TreeMap<>();

  @AfterAll
  void theRandomRunsWentThroughEveryKindOfDecision() {
    assertThat(covered)
        .containsKeys(
            "rollbacks",
            "restarts",
            "manual",
            "manualRejected",
            "deletes",
            "transitions",
            "suspends",
            "rejected",
            "limitReached")
        .allSatisfy((kind, count) -> assertThat(count).as(kind).isPositive());
  }

  static long noise(long seed, long episode, int attempt) {
    long x = seed * 0x9E3779B97F4A7C15L + episode * 0xBF58476D1CE4E5B9L + attempt * 31L;
    x ^= x >>> 31;
    x *= 0x94D049BB133111EBL;
    return x ^ (x >>> 29);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
  void invariantsHoldUnderRandomObservations(long seed) {
    Random random = new Random(seed);
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    spec.phases.get(0).until.episode = 400L;
    spec.phases.get(1).until.episode = 900L;
    spec.phases.get(2).until.episode = 1500L;
    spec.checkpoints.everyEpisodes = 50;
    spec.checkpoints.keepLast = 1 + random.nextInt(3);
    spec.divergence.window = 50;
    spec.divergence.graceEpisodes = random.nextInt(100);
    spec.divergence.cooldownEpisodes = random.nextInt(200);
    spec.divergence.maxRollbacks = 1 + random.nextInt(4);
    spec.divergence.gradNormAbove = random.nextBoolean() ? 5.0 : null;
    spec.divergence.gradNormForEpisodes = 30;
    spec.trainer.maxRestarts = 2 + random.nextInt(4);
    long collapseAt = 200 + random.nextInt(800);
    FakePlatform.Series series =
        (long e, TrainerConfig c) -> {
          long n = noise(seed, e, c.attempt());
          double wobble = (n % 1000) / 1000.0;
          boolean collapsing = e > collapseAt && c.ppo().learningRate > 1e-5 * 0.99;
          double score = collapsing ? Math.max(0, 50 - (e - collapseAt) / 5.0) : 50 + 5 * wobble;
          double alpha = 0.3 + Math.abs(wobble);
          double grad = Math.abs(n % 97) == 0 ? 50 : 0.5;
          return new FakePlatform.Sample(
              score + e / 100.0, score, alpha, grad, Math.floorMod(n, 4001) == 0);
        };
    FakePlatform p = new FakePlatform(spec, series);
    int nonce = 0;

    for (int step = 0; step < 250; step++) {
      int dice = random.nextInt(100);
      if (dice < 4 && p.trainerActive()) {
        p.crash(random.nextBoolean() ? 137 : 1, random.nextBoolean() ? "OOMKilled" : null);
      } else if (dice < 6 && p.trainerActive()) {
        p.trainerPhase = random.nextBoolean() ? TrainerPhase.GONE : null; // vanished
      } else if (dice < 15) {
        spec.suspend = !spec.suspend;
      } else if (dice < 19) {
        spec.rollback = new ManualRollbackSpec();
        spec.rollback.nonce = "n" + (++nonce);
        List<String> ids = new ArrayList<>(p.storage.keySet());
        int pick = random.nextInt(ids.size() + 2);
        spec.rollback.to =
            pick == 0 ? "best" : pick <= ids.size() ? ids.get(pick - 1) : "ep-000099999-a0099";
      } else if (dice < 22 && !p.storage.isEmpty()) {
        List<String> ids = new ArrayList<>(p.storage.keySet());
        p.rejected.add(ids.get(random.nextInt(ids.size())));
      } else if (dice < 30) {
        p.now = p.now.plusSeconds(random.nextInt(120));
      }

      p.advance(random.nextInt(4) == 0 ? 0 : random.nextInt(120));
      Observation o = p.observe();
      Decision d = p.supervisor.decide(p.run, p.status, o, p.now);
      Decision twice = p.supervisor.decide(p.run, p.status, o, p.now);
      assertThat(IdempotencyTest.json(twice)).isEqualTo(IdempotencyTest.json(d));
      assertThat(d.actionsOf(Action.StartAttempt.class)).hasSizeLessThanOrEqualTo(1);
      if (o.trainer() != null && o.trainer().active()) {
        assertThat(d.actionsOf(Action.StartAttempt.class))
            .allSatisfy(s -> assertThat(s.attempt()).isEqualTo(o.trainer().attempt()));
      }
      p.decisions.add(d);
      p.apply(d);
      p.status = d.status();
      if (random.nextInt(10) == 0) {
        // an operator restart: the same (now stale) observation decided on the new status
        Decision stale = p.supervisor.decide(p.run, p.status, o, p.now);
        assertThat(stale.status().rollbacks).isEqualTo(p.status.rollbacks);
        assertThat(stale.status().history).hasSameSizeAs(p.status.history);
        p.apply(stale);
        p.status = stale.status();
      }

      assertThat(p.violations).as("seed %d step %d", seed, step).isEmpty();
      assertThat(p.status.rollbacks).isLessThanOrEqualTo(spec.divergence.maxRollbacks);
      assertThat(p.events(EventType.ROLLED_BACK))
          .hasSizeLessThanOrEqualTo(spec.divergence.maxRollbacks);
      assertThat(p.status.history).hasSizeLessThanOrEqualTo(50);
    }
    covered.merge("rollbacks", (long) p.status.rollbacks, Long::sum);
    covered.merge("restarts", (long) p.status.restarts, Long::sum);
    covered.merge("manual", (long) p.events(EventType.MANUAL_ROLLBACK).size(), Long::sum);
    covered.merge(
        "manualRejected", (long) p.events(EventType.MANUAL_ROLLBACK_REJECTED).size(), Long::sum);
    covered.merge("deletes", (long) p.all(Action.DeleteCheckpoints.class).size(), Long::sum);
    covered.merge("transitions", (long) p.events(EventType.PHASE_TRANSITION).size(), Long::sum);
    covered.merge("suspends", (long) p.events(EventType.SUSPENDED).size(), Long::sum);
    covered.merge("rejected", (long) p.events(EventType.CHECKPOINT_REJECTED).size(), Long::sum);
    if (p.status.rollbacks == spec.divergence.maxRollbacks) {
      covered.merge("limitReached", 1L, Long::sum);
    }
  }
}

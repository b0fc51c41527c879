package dev.ratchet.cli.drills;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drill: the trainer of one run is SIGKILLed twenty times at random moments of its training. No
 * committed checkpoint may be lost or altered, every next attempt must resume from the newest
 * checkpoint committed at the kill (the episodes replayed are printed), and the run must still
 * reach its goal.
 */
class KillDrillTest {

  static final int KILLS = 20;

  @TempDir Path tmp;

  @Test
  void twentyRandomKillsLoseNoCommittedCheckpointAndTheRunStillReachesItsGoal() throws Exception {
    Random random = new Random(2026);
    Map<String, DrillRun.Committed> committedBeforeKills = new TreeMap<>();
    List<Long> replayed = new ArrayList<>();
    int resumedNotFromNewest = 0;
    try (DrillRun r = DrillRun.start(tmp, "src/test/resources/drill-run.yaml", run -> {})) {
      int every = (int) r.run.getSpec().checkpoints.everyEpisodes;
      for (int kill = 1; kill <= KILLS; kill++) {
        int attempt = kill;
        // the attempt trains: it has finished an episode since it started
        TrainingRunStatus started =
            DrillRun.await(
                "attempt " + attempt + " training",
                r::status,
                s -> s.currentAttempt != null && s.currentAttempt.number == attempt,
                Duration.ofMinutes(2));
        long start = started.currentAttempt.startEpisode;
        DrillRun.await(
            "attempt " + attempt + "'s first episode",
            () -> r.progress().orElse(null),
            p -> p.attempt() == attempt && p.episode() > start,
            Duration.ofMinutes(2));
        Thread.sleep(300 + random.nextInt(2200));
        ProgressReport last = r.progress().orElseThrow();
        Map<String, DrillRun.Committed> committedAtKill = r.committed();
        committedBeforeKills.putAll(committedAtKill);
        ProcessHandle trainer = r.trainer().orElseThrow();
        trainer.destroyForcibly(); // SIGKILL, milliseconds after the progress read
        trainer.onExit().get(30, TimeUnit.SECONDS);
        TrainingRunStatus next =
            DrillRun.await(
                "attempt " + (attempt + 1),
                r::status,
                s -> s.currentAttempt != null && s.currentAttempt.number == attempt + 1,
                Duration.ofMinutes(2));
        replayed.add(last.episode() - next.currentAttempt.startEpisode);
        // the next attempt starts from the newest checkpoint committed when the trainer died (or
        // one committed between that listing and the kill): nothing committed is ever skipped
        long newestAtKill =
            committedAtKill.keySet().stream()
                .mapToLong(id -> Long.parseLong(id.substring(3, 12)))
                .max()
                .orElse(0);
        resumedNotFromNewest += next.currentAttempt.startEpisode < newestAtKill ? 1 : 0;
        System.out.printf(
            "kill %d at episode %d of attempt %d (newest committed then: %s), resumed from %s at"
                + " %d%n",
            kill,
            last.episode(),
            attempt,
            committedAtKill.keySet().stream()
                .max(
                    java.util.Comparator.comparing((String id) -> id.substring(13))
                        .thenComparing(id -> id))
                .orElse("none"),
            next.currentAttempt.resumeFrom,
            next.currentAttempt.startEpisode);
      }
      TrainingRunStatus end = r.finish(Duration.ofMinutes(10));
      Map<String, DrillRun.Committed> atEnd = r.committed();

      List<String> lost = new ArrayList<>();
      List<String> altered = new ArrayList<>();
      committedBeforeKills.forEach(
          (id, before) -> {
            if (!atEnd.containsKey(id)) {
              lost.add(id + " (" + before.kind() + ")");
            } else if (!atEnd.get(id).equals(before)) {
              altered.add(id);
            }
          });
      long maxReplay = replayed.stream().mapToLong(Long::longValue).max().orElseThrow();
      double meanReplay = replayed.stream().mapToLong(Long::longValue).average().orElseThrow();
      System.out.printf(
          "kill drill: %d kills; episodes replayed per kill: %s (mean %.1f, max %d; checkpoint"
              + " every %d); %d checkpoints committed before the kills, %d lost, %d altered; run"
              + " %s at episode %d after %d restarts, best %s (score mean %.1f)%n",
          KILLS,
          replayed,
          meanReplay,
          maxReplay,
          every,
          committedBeforeKills.size(),
          lost.size(),
          altered.size(),
          end.state.label(),
          end.episode,
          end.restarts,
          end.bestCheckpoint.id,
          end.bestCheckpoint.scoreMean);
      assertThat(lost).as("committed checkpoints lost").isEmpty();
      assertThat(altered).as("committed checkpoints altered").isEmpty();
      assertThat(end.state).as(r.out.toString()).isEqualTo(RunState.SUCCEEDED);
      assertThat(end.restarts).isEqualTo(KILLS);
      assertThat(end.history.stream().filter(h -> h.type == HistoryType.RESTART)).hasSize(KILLS);
      // What a kill costs is the episodes since the newest committed checkpoint: about one
      // interval, more when uploads lag training (an upload in flight dies with the process), so
      // it is reported above, not bounded here; what is bounded is that none is skipped.
      assertThat(resumedNotFromNewest)
          .as("attempts that did not resume from the newest committed checkpoint")
          .isZero();
      assertThat(end.bestCheckpoint.scoreMean).isGreaterThan(150.0);
      assertThat(Files.readString(r.workdir.resolve("drill/status.yaml"))).contains("Succeeded");
    }
  }
}

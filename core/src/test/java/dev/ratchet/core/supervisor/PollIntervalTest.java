package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The brain decides the same whatever the poll interval: one series read after every episode, every
 * 7, 50 or 300 episodes, or once per phase (a supervisor slower than the trainer, as with a GPU)
 * gives the same gate, rollback and best checkpoint, to within one checkpoint interval. The series
 * is the divergence demo's: CartPole learns until the gate holds, then the push phase's learning
 * rate two hundred times too high collapses it to about 10 within 40 episodes; after the rollback
 * (learning rate × 0.02) it holds.
 */
class PollIntervalTest {

  static final double PUSH_LR = 0.2;

  /** The demo as recorded: windowed score and the spread of the episodes in the window. */
  static FakePlatform.Series demo() {
    return (long e, TrainerConfig c) -> {
      double score;
      double std;
      if (c.phaseIndex() == 0) {
        score = Math.min(500, 20 + 3.0 * e);
        std = score < 500 ? 60 : 0;
      } else if (c.ppo().learningRate >= PUSH_LR * 0.999) {
        // collapse 30 episodes into the push phase, down to CartPole's 10-step episodes
        long into = e - c.phaseStartEpisode();
        double f = Math.max(0, Math.min(1, (into - 30) / 40.0));
        score = 500 - 490 * f;
        std = f == 0 ? 0 : f < 1 ? 150 : 2;
      } else {
        score = 495 + 5 * Math.sin(e / 9.0);
        std = 8;
      }
      return new FakePlatform.Sample(score, 1, null, 0.3, false, std, 0.1);
    };
  }

  /** What the brain decided, for comparison across poll intervals. */
  record Decisions(
      List<Long> gates, List<Long> rollbacks, List<String> rollbackTargets, RunState state) {}

  static Decisions run(long episodesPerRead) {
    TrainingRunSpec spec = FakePlatform.example("cartpole-divergence-demo.yaml");
    FakePlatform p = new FakePlatform(spec, demo());
    p.runUntilFinal(episodesPerRead, 100_000);
    assertThat(p.violations).isEmpty();
    List<Long> gates = new ArrayList<>();
    for (HistoryEntry h : p.history(HistoryType.PHASE_TRANSITION)) {
      gates.add(h.episode);
    }
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    return new Decisions(
        gates,
        rollbacks.stream().map(h -> h.episode).toList(),
        rollbacks.stream().map(h -> h.to).toList(),
        p.status.state);
  }

  @Test
  void everyPollIntervalFromOneEpisodeToAWholePhaseDecidesTheSame() {
    Decisions reference = run(1);
    System.out.println("read after every episode: " + reference);
    assertThat(reference.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(reference.gates()).hasSize(1);
    assertThat(reference.rollbacks()).hasSize(1);
    long interval = FakePlatform.example("cartpole-divergence-demo.yaml").checkpoints.everyEpisodes;
    for (long every : new long[] {7, 50, 300, 1000}) {
      Decisions d = run(every);
      System.out.println("read every " + every + " episodes: " + d);
      assertThat(d.state()).as("every %d", every).isEqualTo(RunState.SUCCEEDED);
      // the gate is judged at its very episode, whenever it is read
      assertThat(d.gates()).as("gate, every %d", every).isEqualTo(reference.gates());
      // the push phase starts from the first checkpoint at or after the gate: within one interval
      assertThat(d.rollbacks()).as("rollbacks, every %d", every).hasSize(1);
      assertThat(d.rollbacks().get(0))
          .as("rollback episode, every %d", every)
          .isBetween(reference.rollbacks().get(0), reference.rollbacks().get(0) + interval);
      long target = episodeOf(d.rollbackTargets().get(0));
      long referenceTarget = episodeOf(reference.rollbackTargets().get(0));
      assertThat(Math.abs(target - referenceTarget))
          .as("best checkpoint, every %d", every)
          .isLessThanOrEqualTo(interval);
    }
  }

  @Test
  void aSupervisorSlowerThanThePhaseStillRollsTheDemoBack() {
    // one read per 5000 episodes: the push phase (to episode 900) collapses and ends between reads
    Decisions d = run(5000);
    assertThat(d.rollbacks()).hasSize(1);
    assertThat(d.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void withoutPerEpisodeRecordsAReadAfterThePhaseMissesTheCollapse() {
    // what the brain did before it judged every episode: it saw only the latest report
    TrainingRunSpec spec = FakePlatform.example("cartpole-divergence-demo.yaml");
    FakePlatform p = new FakePlatform(spec, demo());
    p.servesEpisodes = false;
    p.runUntilFinal(1000, 100);
    assertThat(p.history(HistoryType.ROLLBACK)).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
  }

  private static long episodeOf(String checkpointId) {
    return Long.parseLong(checkpointId.substring(3, 12));
  }
}

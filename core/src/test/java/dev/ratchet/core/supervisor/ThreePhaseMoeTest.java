package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.MetricCondition;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** The dungeon MoE run of examples/dungeon-moe-three-phase.yaml through its three phases. */
class ThreePhaseMoeTest {

  /** A healthy run: the score rises slowly, alpha entropy follows the given curve. */
  static FakePlatform.Series run(LongFunction<Double> alpha) {
    return (long episode, TrainerConfig config) ->
        new FakePlatform.Sample(
            Math.min(50, 5 + episode / 100.0),
            10 + episode / 50.0,
            alpha.apply(episode),
            0.4,
            false);
  }

  static TrainingRunSpec fineTuneGatedOnAlphaEntropy() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    MetricCondition low = new MetricCondition();
    low.metric = RunMetric.ALPHA_ENTROPY;
    low.below = 0.5;
    low.forEpisodes = 200;
    spec.phases.get(2).until.anyOf.add(low);
    return spec;
  }

  @Test
  void transitionsAtEpisodes1000And3000WithEachPhasesHyperparameters() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    FakePlatform p = new FakePlatform(spec, run(e -> 1.2));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> transitions = p.history(HistoryType.PHASE_TRANSITION);
    assertThat(transitions)
        .extracting(h -> h.from, h -> h.to, h -> h.episode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("warmup", "transition", 1000L),
            org.assertj.core.groups.Tuple.tuple("transition", "fine-tune", 3000L));
    assertThat(p.started).hasSize(3);
    TrainerConfig warmup = p.started.get(1);
    TrainerConfig transition = p.started.get(2);
    TrainerConfig fineTune = p.started.get(3);
    assertThat(warmup.resumeFrom()).isNull();
    assertThat(warmup.ppo().learningRate).isEqualTo(1e-4);
    assertThat(warmup.ppo().entropyCoef).isEqualTo(0.05);
    assertThat(warmup.routing()).isEqualTo(Routing.SOFTMAX);
    assertThat(warmup.untilEpisode()).isEqualTo(1000);
    assertThat(warmup.moe().alphaEntropyCoef).isEqualTo(0.1);
    assertThat(transition.ppo().learningRate).isEqualTo(3e-4);
    assertThat(transition.routing()).isEqualTo(Routing.SPARSEMAX);
    assertThat(transition.phaseStartEpisode()).isEqualTo(1000);
    assertThat(transition.untilEpisode()).isEqualTo(3000);
    assertThat(FakePlatform.idOf(transition.resumeFrom())).isEqualTo("ep-000001000-a0001");
    assertThat(fineTune.ppo().learningRate).isEqualTo(5e-5);
    assertThat(fineTune.temperature().to).isEqualTo(0.2);
    assertThat(FakePlatform.idOf(fineTune.resumeFrom())).isEqualTo("ep-000003000-a0002");
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.episode).isEqualTo(5000);
    // each phase's end survives retention, with the best and the newest periodic ones
    assertThat(p.storage)
        .containsKeys("ep-000001000-a0001", "ep-000003000-a0002", "ep-000005000-a0003");
    long periodic =
        p.storage.values().stream().filter(m -> m.kind() == CheckpointKind.PERIODIC).count();
    assertThat(periodic).isLessThanOrEqualTo(spec.checkpoints.keepLast + 1);
    assertThat(p.events(EventType.PHASE_TRANSITION)).hasSize(2);
  }

  @Test
  void fineTuneEndsWhenAlphaEntropyStaysUnderHalfFor200Episodes() {
    TrainingRunSpec spec = fineTuneGatedOnAlphaEntropy();
    // routing focuses during fine-tune: alpha entropy falls under 0.5 at episode 3600 and stays
    FakePlatform p = new FakePlatform(spec, run(e -> e < 3600 ? 1.2 : 0.3));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.episode).isEqualTo(3800); // first report under 0.5 at 3600, held 200
    assertThat(p.status.message).contains("alphaEntropy stayed below 0.5 for 200 episodes");
    assertThat(p.all(Action.StopAttempt.class))
        .singleElement()
        .satisfies(s -> assertThat(s.preemptCheckpoint()).isTrue());
  }

  @Test
  void aBriefDipOfAlphaEntropyEndsNothing() {
    TrainingRunSpec spec = fineTuneGatedOnAlphaEntropy();
    // under 0.5 for 150 episodes only, then back up
    FakePlatform p = new FakePlatform(spec, run(e -> e >= 3600 && e < 3750 ? 0.3 : 0.9));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.episode).isEqualTo(5000);
    assertThat(p.all(Action.StopAttempt.class)).isEmpty();
    assertThat(p.status.watch.gateHeldSince).isEmpty();
  }

  @Test
  void aMetricGateOnAMiddlePhaseMovesOnFromThePreemptCheckpoint() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    MetricCondition high = new MetricCondition();
    high.metric = RunMetric.SCORE_MEAN;
    high.above = 20.0;
    high.forEpisodes = 100;
    spec.phases.get(1).until.allOf.add(high);
    FakePlatform p = new FakePlatform(spec, run(e -> 1.0));

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    // the score passes 20 at episode 1501 and holds 100 episodes at 1601; read at 1650, before a
    // periodic checkpoint came after 1601, so the trainer's preempt checkpoint ends the phase
    List<HistoryEntry> transitions = p.history(HistoryType.PHASE_TRANSITION);
    assertThat(transitions).extracting(h -> h.episode).containsExactly(1000L, 1601L);
    assertThat(transitions.get(1).reason).contains("scoreMean stayed above 20 for 100 episodes");
    TrainerConfig fineTune = p.started.get(3);
    assertThat(FakePlatform.idOf(fineTune.resumeFrom())).isEqualTo("ep-000001650-a0002");
    assertThat(p.storage.get("ep-000001650-a0002").kind()).isEqualTo(CheckpointKind.PREEMPT);
    assertThat(fineTune.phaseStartEpisode()).isEqualTo(1650);
    assertThat(p.status.watch.phaseEndCheckpoints).contains("ep-000001650-a0002");
    assertThat(p.storage).containsKey("ep-000001650-a0002");
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
  }
}

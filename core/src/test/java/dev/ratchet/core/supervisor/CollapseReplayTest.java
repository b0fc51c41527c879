package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the intercept PPO-LSTM collapse: success 17–22 % up to 1M steps, then a slide to 0–1 % by
 * 8–10M steps (≈ 1150 steps per episode), reward from +1100 to −1000.
 */
class CollapseReplayTest {

  static final double STEPS_PER_EPISODE = 1150;

  /** 1M steps: the slide starts here. */
  static final long SLIDE_START = Math.round(1_000_000 / STEPS_PER_EPISODE); // 870

  /** 9M steps: the slide has reached 0–1 %. */
  static final long SLIDE_END = Math.round(9_000_000 / STEPS_PER_EPISODE); // 7826

  static final double BASE_LR = 3e-4;

  /** Success rate as recorded (windowed), a small deterministic wobble on top. */
  static double success(long episode, boolean collapses) {
    double wobble = 0.02 * Math.sin(episode / 37.0);
    if (episode < 300) {
      return 0.01 + 0.19 * episode / 300.0 + wobble / 4;
    }
    if (episode < SLIDE_START || !collapses) {
      return 0.195 + wobble; // 17.5–21.5 %
    }
    if (episode >= SLIDE_END) {
      return 0.005 + 0.005 * Math.sin(episode / 11.0);
    }
    // a windowed mean over 200 episodes slides smoothly: no wobble left on the way down
    double f = (episode - SLIDE_START) / (double) (SLIDE_END - SLIDE_START);
    return 0.195 + (0.005 - 0.195) * f;
  }

  /** Reward as recorded: about −600 untrained, +1100 at the peak, −1000 after the collapse. */
  static double reward(long episode, boolean collapses) {
    if (episode < 300) {
      return -600 + 100 * episode / 300.0;
    }
    if (episode < 600) {
      return -500 + 1600 * (episode - 300) / 300.0;
    }
    if (episode < SLIDE_START || !collapses) {
      return 1100 + 40 * Math.sin(episode / 37.0);
    }
    double f = Math.min(1.0, (episode - SLIDE_START) / (double) (SLIDE_END - SLIDE_START));
    return 1100 - 2100 * f;
  }

  /** The recorded run; once the learning rate is scaled down the slide does not happen. */
  static FakePlatform.Series recorded(boolean healedBySmallerLr) {
    return (long episode, TrainerConfig config) -> {
      boolean collapses = !healedBySmallerLr || config.ppo().learningRate >= BASE_LR * 0.999;
      return FakePlatform.Sample.of(success(episode, collapses), reward(episode, collapses));
    };
  }

  static TrainingRunSpec spec(boolean divergence, RunMetric metric) {
    TrainingRunSpec spec = FakePlatform.example("intercept-lstm.yaml");
    // the recorded run's own settings: learning rate 3e-4, no goal ending it early
    spec.ppo.learningRate = BASE_LR;
    spec.phases.get(0).until.anyOf.clear();
    spec.divergence.enabled = divergence;
    spec.divergence.metric = metric;
    spec.earlyStopping = null; // this replay is about divergence only
    spec.phases.get(0).until.episode = 12_000L;
    return spec;
  }

  @Test
  void rollsBackToTheBestCheckpointSoonAfterTheSlideCrossesTheThreshold() {
    TrainingRunSpec spec = spec(true, RunMetric.SCORE_MEAN);
    FakePlatform p = new FakePlatform(spec, recorded(true));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1);
    HistoryEntry rollback = rollbacks.get(0);
    long firedAt = rollback.episode;
    // threshold = 0.5 × best (baseline 0 for a success rate); the windowed series crosses it
    // 3204 episodes into the slide; every episode is judged, so the brain fires at that very one
    double best = p.status.watch.divergenceBest;
    double threshold = 0.5 * best;
    assertThat(p.status.watch.divergenceBaseline).isEqualTo(0.0);
    long crossing = SLIDE_START;
    while (success(crossing, true) >= threshold) {
      crossing++;
    }
    assertThat(firedAt).isGreaterThan(SLIDE_START).isEqualTo(crossing);
    assertThat(firedAt - SLIDE_START).isLessThan(spec.divergence.window * 17L);
    assertThat(firedAt).isEqualTo(4074); // reported in docs/design-decisions.md
    assertThat(success(firedAt, true)).isLessThan(threshold);
    assertThat(success(firedAt - 1, true)).isGreaterThanOrEqualTo(threshold);

    // back to the best checkpoint, with a third of the learning rate and ¾ of the clip range
    String bestId = rollback.to;
    assertThat(bestId).startsWith("ep-").endsWith("-a0001");
    assertThat(p.storage.get(bestId).episode()).isLessThan(SLIDE_START + 200);
    TrainerConfig second = p.started.get(2);
    assertThat(FakePlatform.idOf(second.resumeFrom())).isEqualTo(bestId);
    assertThat(second.ppo().learningRate).isCloseTo(BASE_LR * 0.33, within(1e-12));
    assertThat(second.ppo().clipRange).isCloseTo(0.2 * 0.75, within(1e-12));
    assertThat(rollback.reason)
        .contains("scoreMean fell to", "rolled back to the best checkpoint " + bestId)
        .contains("learning rate ×0.33");
    assertThat(p.status.hyperparameterScale.learningRate).isCloseTo(0.33, within(1e-12));
    assertThat(p.events(EventType.DIVERGENCE_DETECTED)).hasSize(1);
    Decision detected =
        p.decisions.stream()
            .filter(d -> d.status().history.stream().anyMatch(h -> h.type == HistoryType.ROLLBACK))
            .findFirst()
            .orElseThrow();
    assertThat(detected.status().state).isEqualTo(RunState.ROLLING_BACK);
    assertThat(detected.status().conditions)
        .filteredOn(c -> c.getType().equals("Diverged"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("scoreMean fell to");
            });
    assertThat(p.status.conditions)
        .filteredOn(c -> c.getType().equals("Diverged"))
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));
    assertThat(p.events(EventType.ROLLED_BACK)).hasSize(1);

    // the healed run then trains to its end
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.rollbacks).isEqualTo(1);
    assertThat(p.status.bestCheckpoint.id).isNotNull();
    assertThat(p.storage).containsKey(p.status.bestCheckpoint.id);
  }

  @Test
  void rewardFromPlus1100ToMinus1000IsMeasuredFromTheNegativeStart() {
    TrainingRunSpec spec = spec(true, RunMetric.REWARD_MEAN);
    FakePlatform p = new FakePlatform(spec, recorded(true));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1);
    // baseline = the first full-window reward (negative: the untrained agent)
    double baseline = p.status.watch.divergenceBaseline;
    assertThat(baseline).isLessThan(0);
    double threshold = baseline + 0.5 * (p.status.watch.divergenceBest - baseline);
    assertThat(reward(rollbacks.get(0).episode, true)).isLessThan(threshold);
    assertThat(reward(rollbacks.get(0).episode - 1, true)).isGreaterThanOrEqualTo(threshold);
    assertThat(rollbacks.get(0).reason).contains("rewardMean fell to", "from the baseline");
    assertThat(baseline).isCloseTo(-533.33, org.assertj.core.data.Offset.offset(0.01));
    assertThat(rollbacks.get(0).episode).isEqualTo(3509); // reported in docs/design-decisions.md
  }

  @Test
  void aStricterFractionCatchesTheSlideWithinFiveWindowsOfItsStart() {
    TrainingRunSpec spec = spec(true, RunMetric.SCORE_MEAN);
    spec.divergence.dropBelowFractionOfBest = 0.8;
    FakePlatform p = new FakePlatform(spec, recorded(true));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1); // and no false alarm on the wobbling 17–22 % plateau
    long after = rollbacks.get(0).episode - SLIDE_START;
    assertThat(after).isPositive().isLessThanOrEqualTo(5L * spec.divergence.window);
    assertThat(rollbacks.get(0).episode).isEqualTo(1713); // reported in docs/design-decisions.md
  }

  @Test
  void withDivergenceOffNothingHappens() {
    TrainingRunSpec spec = spec(false, RunMetric.SCORE_MEAN);
    FakePlatform p = new FakePlatform(spec, recorded(true));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    assertThat(p.history(HistoryType.ROLLBACK)).isEmpty();
    assertThat(p.events(EventType.ROLLED_BACK)).isEmpty();
    assertThat(p.started).hasSize(1);
    assertThat(p.status.rollbacks).isZero();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.status.episode).isEqualTo(12_000L);
    assertThat(p.status.metrics.scoreMean).isLessThan(0.011); // it collapsed, unsupervised
  }

  @Test
  void afterMaxRollbacksTheRunFailsNamingTheLimitAndTheBestCheckpoint() {
    TrainingRunSpec spec = spec(true, RunMetric.SCORE_MEAN);
    spec.divergence.cooldownEpisodes = 200;
    FakePlatform p = new FakePlatform(spec, recorded(false)); // smaller lr does not help

    p.runUntilFinal(50, 1000);

    assertThat(p.violations).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.FAILED);
    assertThat(p.status.rollbacks).isEqualTo(3);
    assertThat(p.history(HistoryType.ROLLBACK)).hasSize(3);
    assertThat(p.status.hyperparameterScale.learningRate)
        .isCloseTo(0.33 * 0.33 * 0.33, within(1e-12));
    assertThat(p.started.get(4).ppo().learningRate)
        .isCloseTo(BASE_LR * 0.33 * 0.33 * 0.33, within(1e-15));
    assertThat(p.status.message)
        .contains("divergence.maxRollbacks = 3")
        .contains(p.status.bestCheckpoint.id)
        .contains(
            "s3://ratchet-checkpoints/intercept/ml/run/checkpoints/" + p.status.bestCheckpoint.id);
    assertThat(p.trainerActive()).isFalse();
    assertThat(p.started).hasSize(4);
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}

package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.DivergenceSpec;
import dev.ratchet.api.v1alpha1.HyperparameterScale;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policies on their own: thresholds with negative scores, sustained grad norm, backoff. */
class PoliciesTest {

  final DivergencePolicy divergence = new DivergencePolicy();

  static Reading report(long episode, double score, Double alpha, double grad) {
    return reading(episode, score, 1.0, alpha, grad);
  }

  /** A full 100-episode window with mean {@code score} and standard deviation {@code std}. */
  static Reading reading(long episode, double score, double std, Double alpha, double grad) {
    return Reading.of(
        new ProgressReport(
            1,
            "train",
            episode,
            episode * 100,
            10_000,
            100,
            score,
            std,
            score,
            score,
            alpha,
            grad,
            3e-4,
            10.0,
            0,
            null,
            ProgressReport.TrainerState.TRAINING,
            "2026-01-01T00:00:00Z",
            java.util.List.of(),
            null,
            null));
  }

  static AttemptStatus attemptFrom(long start) {
    AttemptStatus a = new AttemptStatus();
    a.number = 1;
    a.startEpisode = start;
    return a;
  }

  /** Feeds a series, one report per 50 episodes; returns the episode of the first verdict. */
  Optional<Long> firstVerdict(DivergenceSpec spec, java.util.function.LongToDoubleFunction score) {
    WatchStatus watch = new WatchStatus();
    for (long e = 100; e <= 6000; e += 50) {
      if (divergence
          .judge(spec, attemptFrom(0), report(e, score.applyAsDouble(e), null, 0.5), true, watch)
          .isPresent()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  @Test
  void allNegativeRewardsAreJudgedFromTheirStartNotFromZero() {
    DivergenceSpec spec = new DivergenceSpec();
    // −1500 untrained, −300 at best, then back to −1400: 0.5 × best (−150) would call the
    // healthy plateau diverged; from the baseline (the first full window, −1380 at episode 100)
    // the threshold is −1380 + 0.5 × (−300 + 1380) = −840
    java.util.function.LongToDoubleFunction reward =
        e -> e < 1000 ? -1500 + 1.2 * e : e < 3000 ? -300 : -300 - (e - 3000) * 0.55;
    Optional<Long> fired = firstVerdict(spec, reward);
    assertThat(fired).isPresent();
    assertThat(reward.applyAsDouble(fired.get())).isLessThan(-840);
    assertThat(reward.applyAsDouble(fired.get() - 50)).isGreaterThanOrEqualTo(-840);
    assertThat(fired.get()).isEqualTo(4000);
  }

  @Test
  void aFlatNegativeRunNeverDiverges() {
    DivergenceSpec spec = new DivergenceSpec();
    // no rise over the start: nothing to lose, whatever the fraction says about −700
    assertThat(firstVerdict(spec, e -> -700)).isEmpty();
  }

  @Test
  void aPositiveScoreUsesExactlyFractionTimesBest() {
    DivergenceSpec spec = new DivergenceSpec();
    WatchStatus watch = new WatchStatus();
    divergence.judge(spec, attemptFrom(0), report(300, 80, null, 0.5), true, watch);
    divergence.judge(spec, attemptFrom(0), report(350, 100, null, 0.5), true, watch);
    assertThat(watch.divergenceBaseline).isEqualTo(0.0);
    assertThat(divergence.threshold(spec, watch)).isEqualTo(50.0);
    assertThat(divergence.judge(spec, attemptFrom(0), report(400, 50.5, null, 0.5), true, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(450, 49.5, null, 0.5), true, watch))
        .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(DivergencePolicy.Kind.DROP));
  }

  @Test
  void aBestWithinTheNoiseOfTheBaselineCountsAsNothingLearned() {
    DivergenceSpec spec = new DivergenceSpec();
    WatchStatus watch = new WatchStatus();
    // the intercept run near random: windows of 100 episodes with a spread of 100 wander by ±10
    for (double score : new double[] {-616.8, -606, -611, -625}) {
      assertThat(
              divergence.judge(
                  spec, attemptFrom(0), reading(300, score, 100, null, 1), true, watch))
          .isEmpty();
    }
    assertThat(watch.divergenceBaseline).isEqualTo(-616.8);
    assertThat(watch.divergenceBest).isEqualTo(-606.0);
    // 10.8 above the baseline, 3 standard errors of the difference are 42.4: nothing learned yet
    assertThat(divergence.threshold(spec, watch)).isNull();
    // with the guard off, the old rule halves a gain that is pure noise and calls −625 a collapse
    spec.minStandardErrors = 0;
    assertThat(divergence.threshold(spec, watch)).isEqualTo(-611.4);
    assertThat(
            divergence.judge(spec, attemptFrom(0), reading(400, -625, 100, null, 1), true, watch))
        .isPresent();
  }

  @Test
  void aDropBelowTheThresholdCountsOnlyWhenItIsAboveTheNoise() {
    DivergenceSpec spec = new DivergenceSpec();
    WatchStatus watch = new WatchStatus();
    divergence.judge(spec, attemptFrom(0), reading(300, 100, 30, null, 1), true, watch);
    assertThat(divergence.threshold(spec, watch)).isEqualTo(50.0);
    // a window whose episodes spread by 200: 51 below the best is under 3 standard errors (61.6)
    assertThat(divergence.judge(spec, attemptFrom(0), reading(400, 49, 200, null, 1), true, watch))
        .isEmpty();
    // the same mean with the usual spread is a collapse, and the reason says by how much
    assertThat(divergence.judge(spec, attemptFrom(0), reading(450, 49, 30, null, 1), true, watch))
        .hasValueSatisfying(
            v -> assertThat(v.reason()).contains("the drop is 12.02 standard errors"));
  }

  @Test
  void gradNormMustStayAboveTheLimitForTheWholeSpan() {
    DivergenceSpec spec = new DivergenceSpec();
    spec.gradNormAbove = 1000.0;
    spec.gradNormForEpisodes = 50;
    WatchStatus watch = new WatchStatus();
    assertThat(divergence.judge(spec, attemptFrom(0), report(300, 10, null, 2000), true, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(320, 10, null, 10), true, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(340, 10, null, 2000), true, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(380, 10, null, 2000), true, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(390, 10, null, 2000), true, watch))
        .hasValueSatisfying(v -> assertThat(v.reason()).contains("from episode 340 to 390"));
  }

  @Test
  void alphaEntropyCollapseCountsOnlyBeforeTheLastPhase() {
    DivergenceSpec spec = new DivergenceSpec();
    spec.metric = RunMetric.SCORE_MEAN;
    spec.alphaEntropyCollapseBelow = 0.05;
    WatchStatus watch = new WatchStatus();
    assertThat(divergence.judge(spec, attemptFrom(0), report(500, 10, 0.01, 1), false, watch))
        .isEmpty();
    assertThat(divergence.judge(spec, attemptFrom(0), report(550, 10, 0.01, 1), true, watch))
        .hasValueSatisfying(
            v -> assertThat(v.kind()).isEqualTo(DivergencePolicy.Kind.ALPHA_ENTROPY));
    // and not during the grace period of an attempt
    assertThat(
            divergence.judge(
                spec, attemptFrom(500), report(600, 10, 0.01, 1), true, new WatchStatus()))
        .isEmpty();
  }

  @Test
  void rollbackScalesCompoundAndApplyOnTopOfEachPhasesOverrides() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    HyperparameterScale scale = new HyperparameterScale();
    scale.learningRate = 0.33 * 0.33;
    scale.clipRange = 0.75 * 0.75;
    TrainerConfigResolver resolver = new TrainerConfigResolver(PlatformDefaults.NONE);
    RunContext run = new RunContext("ml", "dungeon-moe", 3L, spec);
    TrainerConfig warmup = resolver.resolve(run, 5, 0, 0, 1000, null, scale, null);
    TrainerConfig fineTune = resolver.resolve(run, 6, 2, 3000, 5000, "s3://b/x/", scale, null);
    assertThat(warmup.ppo().learningRate)
        .isCloseTo(1e-4 * 0.1089, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fineTune.ppo().learningRate)
        .isCloseTo(5e-5 * 0.1089, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fineTune.ppo().clipRange)
        .isCloseTo(0.2 * 0.5625, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fineTune.ppo().entropyCoef).isEqualTo(0.01);
    assertThat(spec.ppo.learningRate).isEqualTo(3e-4); // the user's spec is never changed
    assertThat(fineTune.untilEpisode()).isEqualTo(5000);
    assertThat(fineTune.metricsWindow()).isEqualTo(100);
    assertThat(fineTune.storage().bucket()).isEqualTo("ratchet-checkpoints");
  }

  @Test
  void theTrainerConfigTakesThePlatformsDefaultsWhereTheSpecIsSilent() {
    TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");
    spec.checkpoints.storage.endpoint = null;
    RunContext run = new RunContext("ml", "quick", 1L, spec);
    PlatformDefaults operator = new PlatformDefaults("http://minio:9000", false, 9500, 120);
    TrainerConfig c =
        new TrainerConfigResolver(operator).resolve(run, 1, 0, 0, 1000, null, null, null);
    assertThat(c.storage().endpoint()).isEqualTo("http://minio:9000");
    assertThat(c.httpPort()).isEqualTo(9500);
    assertThat(c.preemptGraceSeconds()).isEqualTo(120);
    // what the spec says wins over the operator's defaults
    spec.checkpoints.storage.endpoint = "https://s3.example";
    spec.trainer.preemptGraceSeconds = 45L;
    c = new TrainerConfigResolver(operator).resolve(run, 1, 0, 0, 1000, null, null, null);
    assertThat(c.storage().endpoint()).isEqualTo("https://s3.example");
    assertThat(c.preemptGraceSeconds()).isEqualTo(45);
    // local mode stores in its own server whatever the spec names, and never edits the spec
    PlatformDefaults local = new PlatformDefaults("http://127.0.0.1:4000", true, 40123, 60);
    c = new TrainerConfigResolver(local).resolve(run, 1, 0, 0, 1000, null, null, null);
    assertThat(c.storage().endpoint()).isEqualTo("http://127.0.0.1:4000");
    assertThat(spec.checkpoints.storage.endpoint).isEqualTo("https://s3.example");
  }

  @Test
  void restartBackoffDoublesFromTheSpecsFirstWaitUpToFiveMinutes() {
    RestartPolicy restarts = new RestartPolicy();
    Duration first = Duration.ofSeconds(10);
    assertThat(restarts.backoff(1, first)).isEqualTo(Duration.ofSeconds(10));
    assertThat(restarts.backoff(2, first)).isEqualTo(Duration.ofSeconds(20));
    assertThat(restarts.backoff(5, first)).isEqualTo(Duration.ofSeconds(160));
    assertThat(restarts.backoff(6, first)).isEqualTo(Duration.ofMinutes(5));
    assertThat(restarts.backoff(60, first)).isEqualTo(Duration.ofMinutes(5));
    // trainer.restartBackoffSeconds: 1 for drills that kill the trainer twenty times
    assertThat(restarts.backoff(3, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
    assertThat(restarts.exhausted(5, 5)).isFalse();
    assertThat(restarts.exhausted(6, 5)).isTrue();
  }
}

package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A run that has learned nothing yet is not rolled back for wandering around where it started. The
 * series is recorded: the first 3,016 episodes of examples/intercept-lstm.yaml with its earlier PPO
 * settings (learning rate 3e-4, gradients clipped at 0.5), a policy still near random whose
 * episodes score about +1300 (a hit) or −1350 (a miss), so its 200-episode windowed mean wanders
 * between −765 and −541 while nothing changes. Without the noise guard the brain took a window 60
 * points above the first for something learned and the next dip for a collapse.
 */
class NoiseReplayTest {

  static double[] recordedScores() {
    try (InputStream in =
        NoiseReplayTest.class.getResourceAsStream("/series/intercept-lstm-near-random.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("#") && !l.isBlank())
          .mapToDouble(Double::parseDouble)
          .toArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The trainer's windowed mean and spread over the attempt's last {@code window} episodes. */
  static FakePlatform.Series windowsOf(double[] scores, int window) {
    return (long e, TrainerConfig c) -> {
      long start = Math.max(c.phaseStartEpisode(), e - window);
      double[] w = Arrays.copyOfRange(scores, (int) start, (int) e);
      double mean = Arrays.stream(w).average().orElse(0);
      double std =
          Math.sqrt(Arrays.stream(w).map(x -> (x - mean) * (x - mean)).average().orElse(0));
      return new FakePlatform.Sample(mean, mean / 50, null, 0.3, false, std, std / 50);
    };
  }

  static FakePlatform replay(double minStandardErrors) {
    double[] scores = recordedScores();
    TrainingRunSpec spec = FakePlatform.example("intercept-lstm.yaml");
    spec.phases.get(0).until.episode = (long) scores.length;
    spec.phases.get(0).until.anyOf.clear();
    spec.divergence.minStandardErrors = minStandardErrors;
    FakePlatform p = new FakePlatform(spec, windowsOf(scores, spec.divergence.window));
    p.runUntilFinal(25, 1000);
    assertThat(p.violations).isEmpty();
    return p;
  }

  @Test
  void aNearRandomRunIsNeverRolledBackForItsNoise() {
    FakePlatform p = replay(3);
    assertThat(p.history(HistoryType.ROLLBACK)).isEmpty();
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    // the best window lay about 60 above the first, under three standard errors of the difference
    assertThat(p.status.watch.divergenceBest - p.status.watch.divergenceBaseline)
        .isBetween(50.0, 70.0);
  }

  @Test
  void withoutTheNoiseGuardTheSameRunIsRolledBackOnNoise() {
    FakePlatform p = replay(0);
    assertThat(p.history(HistoryType.ROLLBACK)).isNotEmpty();
  }
}

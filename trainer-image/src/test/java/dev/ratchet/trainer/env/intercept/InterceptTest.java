package dev.ratchet.trainer.env.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.environment.InterceptOptions;
import dev.ratchet.trainer.env.ActionPolicy;
import dev.ratchet.trainer.env.PolicyEvaluation;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.env.Trajectories;
import dev.ratchet.trainer.env.UniformRandomPolicy;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.rl.Rng;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The intercept environment: determinism, the Kalman track, rewards, state and baselines. */
class InterceptTest {

  private static final InterceptOptions OPTIONS = InterceptOptions.defaults();

  @Test
  void sameSeedGivesTheSameEngagementsAndAnotherSeedOthers() {
    VecIntercept a = new VecIntercept(4, 500, 5, OPTIONS);
    VecIntercept b = new VecIntercept(4, 500, 5, OPTIONS);
    VecIntercept c = new VecIntercept(4, 500, 6, OPTIONS);
    float[] obsA = new float[4 * Intercept.OBS_DIM];
    float[] obsC = new float[4 * Intercept.OBS_DIM];
    a.observe(obsA);
    c.observe(obsC);
    assertThat(obsC).isNotEqualTo(obsA);
    assertThat(c.env(0).missileX()).isNotEqualTo(a.env(0).missileX());
    Trajectories.assertSame(a, b, new Rng(1), 800);
  }

  @Test
  void theKalmanTrackIsCloserToTheMissileThanTheRawRadar() {
    Intercept e = new Intercept(OPTIONS, 500, new Rng(3));
    ProportionalNavigation pn = new ProportionalNavigation(4, OPTIONS.maxLateralAccel());
    float[] obs = new float[Intercept.OBS_DIM];
    int[] action = new int[1];
    double radarSq = 0;
    double trackSq = 0;
    int samples = 0;
    for (int episode = 0; episode < 30; episode++) {
      e.reset();
      for (int t = 0; ; t++) {
        e.observe(obs, 0);
        pn.act(obs, Intercept.OBS_DIM, action);
        if (e.step(action[0]) != StepOutcome.RUNNING) {
          break;
        }
        // Skip the track's first second: it starts with no velocity estimate.
        if (t >= 5) {
          radarSq += sq(e.radarX() - e.missileX()) + sq(e.radarY() - e.missileY());
          trackSq += sq(e.track().x() - e.missileX()) + sq(e.track().y() - e.missileY());
          samples++;
        }
      }
    }
    double radarRms = Math.sqrt(radarSq / samples);
    double trackRms = Math.sqrt(trackSq / samples);
    System.out.printf(
        "intercept radar position error %.1f m RMS, Kalman track %.1f m RMS (%d fixes)%n",
        radarRms, trackRms, samples);
    // 2D noise of 30 m per axis: about 42 m RMS for the raw fixes.
    assertThat(radarRms).isBetween(36.0, 48.0);
    assertThat(trackRms).isLessThan(0.6 * radarRms);
    assertThat(samples).isGreaterThan(300);
  }

  @Test
  void aHitScoresAbovePlusSixHundredAndAFailureBelowMinusFiveHundred() {
    VecIntercept env = new VecIntercept(8, 500, 9, OPTIONS);
    ActionPolicy mixed =
        new ActionPolicy() {
          private final ProportionalNavigation pn =
              new ProportionalNavigation(4, OPTIONS.maxLateralAccel());
          private final UniformRandomPolicy random = new UniformRandomPolicy(10, 2);

          @Override
          public void act(float[] obs, int obsDim, int[] actions) {
            // Half the copies guided, half random: both outcomes occur.
            pn.act(obs, obsDim, actions);
            int[] r = new int[actions.length];
            random.act(obs, obsDim, r);
            for (int i = 0; i < actions.length; i += 2) {
              actions[i] = r[i];
            }
          }
        };
    int n = env.numEnvs();
    float[] obs = new float[n * Intercept.OBS_DIM];
    int[] actions = new int[n];
    int hits = 0;
    int failures = 0;
    while (hits + failures < 300) {
      env.observe(obs);
      mixed.act(obs, Intercept.OBS_DIM, actions);
      List<VecEnv.Episode> ended = env.step(actions, new float[n], new boolean[n]);
      for (VecEnv.Episode ep : ended) {
        assertThat(ep.score()).isEqualTo(ep.totalReward());
        if (ep.score() > 0) {
          assertThat(ep.score()).isGreaterThan(600);
          hits++;
        } else {
          assertThat(ep.score()).isLessThan(-500);
          failures++;
        }
      }
    }
    assertThat((long) hits).isEqualTo(env.count(Intercept.Outcome.HIT));
    assertThat(hits).isGreaterThan(50);
    assertThat(failures).isGreaterThan(50);
  }

  @Test
  void aWiderInterceptRadiusMakesHitsEasier() {
    VecIntercept narrow = new VecIntercept(8, 500, 4, OPTIONS);
    VecIntercept wide =
        new VecIntercept(
            8,
            500,
            4,
            new InterceptOptions(
                600,
                OPTIONS.spawnDistance(),
                OPTIONS.missileSpeed(),
                OPTIONS.targetWeave(),
                OPTIONS.windMax(),
                OPTIONS.radarNoise(),
                OPTIONS.fuelSeconds(),
                OPTIONS.maxLateralAccel(),
                OPTIONS.radarDropout(),
                OPTIONS.radarNoisePerKm(),
                OPTIONS.jinkRate(),
                OPTIONS.jinkAccel(),
                OPTIONS.launchError()));
    PolicyEvaluation.run(narrow, new UniformRandomPolicy(10, 1), 400);
    PolicyEvaluation.run(wide, new UniformRandomPolicy(10, 1), 400);
    assertThat(wide.successRate()).isGreaterThan(narrow.successRate() + 0.1);
  }

  @Test
  void aRestoredStateContinuesExactly() throws IOException {
    VecIntercept a = new VecIntercept(3, 500, 12, OPTIONS);
    Rng actions = new Rng(4);
    int[] act = new int[3];
    for (int t = 0; t < 170; t++) {
      for (int i = 0; i < 3; i++) {
        act[i] = actions.nextInt(10);
      }
      a.step(act, new float[3], new boolean[3]);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(buf));
    VecIntercept b = new VecIntercept(3, 500, 77, OPTIONS);
    b.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
    Trajectories.assertSame(a, b, actions, 400);
  }

  @Test
  void proportionalNavigationFarOutscoresTheRandomPolicy() {
    VecIntercept randomEnv = new VecIntercept(8, 500, 21, OPTIONS);
    PolicyEvaluation.Result random =
        PolicyEvaluation.run(randomEnv, new UniformRandomPolicy(10, 3), 1000);
    System.out.printf(
        "intercept random policy: success %.1f%%, mean score %.0f, %.1f steps/episode, %.0f env"
            + " steps/s%n",
        100 * randomEnv.successRate(),
        random.meanScore(),
        random.meanLength(),
        random.stepsPerSecond());
    assertThat(randomEnv.successRate()).isBetween(0.05, 0.40);
    // an episode succeeds exactly when it ends in a hit
    assertThat(random.successRate()).isEqualTo(randomEnv.successRate());
    for (double n : new double[] {3, 4, 5}) {
      VecIntercept env = new VecIntercept(8, 500, 21, OPTIONS);
      PolicyEvaluation.Result pn =
          PolicyEvaluation.run(env, new ProportionalNavigation(n, OPTIONS.maxLateralAccel()), 1000);
      System.out.printf(
          "intercept proportional navigation N=%.0f: success %.1f%%, mean score %.0f, %.1f"
              + " steps/episode%n",
          n, 100 * env.successRate(), pn.meanScore(), pn.meanLength());
      assertThat(env.successRate()).isGreaterThan(0.9).isGreaterThan(randomEnv.successRate() + 0.5);
      assertThat(pn.successRate()).isEqualTo(env.successRate());
      assertThat(pn.meanScore()).isGreaterThan(random.meanScore() + 1000);
    }
  }

  private static double sq(double x) {
    return x * x;
  }
}

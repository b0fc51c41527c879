package dev.ratchet.trainer.env.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ratchet.api.environment.EnvOptions;
import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.environment.InterceptOptions;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.trainer.env.PolicyEvaluation;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.env.Trajectories;
import dev.ratchet.trainer.env.UniformRandomPolicy;
import dev.ratchet.trainer.rl.Rng;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The options that make intercept as hard as the engagement of Ratchet's report, on the settings of
 * {@code examples/intercept-hard.yaml}: proportional navigation hits about half the time and a
 * random policy almost never; each option does what its Javadoc says; and left at their defaults
 * they change nothing (the figures of {@link InterceptTest} are those of before they existed).
 */
class InterceptHardTest {

  private static final Path EXAMPLE = Path.of("..", "examples", "intercept-hard.yaml");
  private static final InterceptOptions DEFAULTS = InterceptOptions.defaults();
  private static final int EPISODES = 4000;

  @Test
  void onTheHardExampleProportionalNavigationHitsAboutHalfTheTimeAndRandomUnderOnePercent()
      throws IOException {
    JsonNode run = new YAMLMapper().readTree(EXAMPLE.toFile());
    EnvironmentSpec spec =
        new ObjectMapper().treeToValue(run.path("spec").path("environment"), EnvironmentSpec.class);
    InterceptOptions hard = EnvironmentChecks.intercept(spec);

    VecIntercept randomEnv =
        new VecIntercept(spec.numEnvs, spec.maxStepsPerEpisode, spec.seed, hard);
    PolicyEvaluation.Result random =
        PolicyEvaluation.run(randomEnv, new UniformRandomPolicy(Intercept.ACTIONS, 3), EPISODES);
    System.out.printf(
        "intercept-hard random policy: success %.2f%% (%d of %d), mean score %.0f%n",
        100 * random.successRate(),
        randomEnv.count(Intercept.Outcome.HIT),
        random.episodes(),
        random.meanScore());
    assertThat(random.successRate()).isLessThan(0.01);

    double bestPnScore = Double.NEGATIVE_INFINITY;
    double pn4 = Double.NaN;
    for (double n : new double[] {3, 4, 5}) {
      PolicyEvaluation.Result pn = proportionalNavigation(spec, hard, n);
      assertThat(pn.successRate()).as("PN N=%.0f", n).isBetween(0.45, 0.65);
      bestPnScore = Math.max(bestPnScore, pn.meanScore());
      pn4 = n == 4 ? pn.successRate() : pn4;
    }
    // The example's last phase ends early only on a score proportional navigation does not reach.
    double gate =
        run.path("spec")
            .path("phases")
            .path(1)
            .path("until")
            .path("anyOf")
            .path(0)
            .path("above")
            .asDouble();
    assertThat(gate).isGreaterThan(bestPnScore);

    // What makes it hard: without the jinks, dropouts and range noise the same guidance hits far
    // more often.
    InterceptOptions calm =
        with(hard, Map.of("jinkRate", 0.0, "radarDropout", 0.0, "radarNoisePerKm", 0.0));
    PolicyEvaluation.Result pnCalm = proportionalNavigation(spec, calm, 4);
    assertThat(pnCalm.successRate()).isGreaterThan(pn4 + 0.15);
  }

  @Test
  void aJinkTurnsTheMissileAtJinkAccelAndNoHarder() {
    InterceptOptions steady =
        with(
            DEFAULTS,
            Map.of(
                "targetWeave", 0.0, "windMax", 0.0, "spawnDistance", 20000.0, "jinkAccel", 120.0));
    InterceptOptions jinking = with(steady, Map.of("jinkRate", 1.0));

    double steadyMax = maxMissileLateralAccel(steady);
    double jinkingMax = maxMissileLateralAccel(jinking);
    System.out.printf(
        "missile lateral acceleration: at most %.2f m/s² flying its course, %.1f m/s² with jinks"
            + " of 120 m/s²%n",
        steadyMax, jinkingMax);
    assertThat(steadyMax).isLessThan(2.0);
    // Up to a few m/s² more: the course itself swings toward the defended point as a jink carries
    // the missile sideways.
    assertThat(jinkingMax).isBetween(0.95 * 120, 1.05 * 120);
  }

  @Test
  void radarNoiseGrowsWithRangeAsTheOptionSays() {
    InterceptOptions noisy =
        with(DEFAULTS, Map.of("spawnDistance", 6000.0, "radarNoisePerKm", 20.0));
    Intercept e = new Intercept(noisy, 300, new Rng(8));
    double normalized = 0;
    double farSq = 0;
    double nearSq = 0;
    int samples = 0;
    int far = 0;
    int near = 0;
    for (int episode = 0; episode < 20; episode++) {
      e.reset();
      // Straight ahead, no thrust: the missile comes all the way in.
      while (e.step(2) == StepOutcome.RUNNING) {
        double range = Math.hypot(e.missileX(), e.missileY());
        double std = noisy.radarNoise() + noisy.radarNoisePerKm() * range / 1000;
        double errSq = sq(e.radarX() - e.missileX()) + sq(e.radarY() - e.missileY());
        normalized += errSq / (2 * std * std);
        samples++;
        if (range > 4000) {
          farSq += errSq;
          far++;
        } else if (range < 2000) {
          nearSq += errSq;
          near++;
        }
      }
    }
    // Each fix's squared error over its documented variance averages 1.
    assertThat(normalized / samples).isCloseTo(1.0, within(0.1));
    assertThat(Math.sqrt(farSq / far)).isGreaterThan(2 * Math.sqrt(nearSq / near));
  }

  @Test
  void theTrackCoastsOnItsPredictionThroughAMissingFix() {
    KalmanTrack track = new KalmanTrack(40);
    track.start(0, 0, 30);
    for (int i = 1; i <= 50; i++) {
      track.step(0.1, 25.0 * i, -10.0 * i, 30);
    }
    double x = track.x();
    double vx = track.vx();
    double vy = track.vy();
    track.coast(0.1);
    assertThat(track.x()).isCloseTo(x + 0.1 * vx, within(1e-9));
    assertThat(track.vx()).isEqualTo(vx);
    assertThat(track.vy()).isEqualTo(vy);
  }

  @Test
  void missingFixesLeaveTheTrackFartherFromTheMissile() {
    InterceptOptions blind = with(DEFAULTS, Map.of("radarDropout", 0.9));
    double seeing = trackErrorRms(DEFAULTS);
    double missing = trackErrorRms(blind);
    System.out.printf(
        "Kalman track error: %.1f m RMS with every fix, %.1f m with 90%% of them missing%n",
        seeing, missing);
    assertThat(missing).isGreaterThan(1.5 * seeing);
  }

  @Test
  void aJinkAccelWithoutJinksChangesNoEngagement() {
    // The default jinkRate 0 draws nothing, so no other jink setting can change a thing.
    Trajectories.assertSame(
        new VecIntercept(4, 500, 5, DEFAULTS),
        new VecIntercept(4, 500, 5, with(DEFAULTS, Map.of("jinkAccel", 900.0))),
        new Rng(1),
        800);
  }

  @Test
  void aRestoredStateContinuesExactlyWithJinksAndDropouts() throws IOException {
    InterceptOptions hard =
        with(
            DEFAULTS,
            Map.of(
                "jinkRate",
                1.0,
                "radarDropout",
                0.3,
                "radarNoisePerKm",
                10.0,
                "launchError",
                90.0));
    VecIntercept a = new VecIntercept(3, 500, 12, hard);
    Rng actions = new Rng(4);
    int[] act = new int[3];
    for (int t = 0; t < 171; t++) {
      for (int i = 0; i < 3; i++) {
        act[i] = actions.nextInt(10);
      }
      a.step(act, new float[3], new boolean[3]);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(buf));
    VecIntercept b = new VecIntercept(3, 500, 77, hard);
    b.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
    Trajectories.assertSame(a, b, actions, 400);
  }

  @Test
  void aCheckpointFromBeforeTheJinkOptionsIsRefusedWithTheReason() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    new DataOutputStream(buf).writeInt(0x494e5443);
    VecIntercept env = new VecIntercept(1, 500, 1, DEFAULTS);

    assertThatThrownBy(
            () -> env.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray()))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("before the jink options")
        .hasMessageContaining("start the run afresh");
  }

  @Test
  void anOutOfRangeOptionIsRefusedWithItsNameAndRange() {
    assertThatThrownBy(
            () ->
                InterceptOptions.from(
                    new EnvOptions(
                        "intercept",
                        Map.of("radarDropout", DoubleNode.valueOf(1.0)),
                        InterceptOptions.KEYS)))
        .hasMessage(
            "environment.options.radarDropout (intercept) must be between 0 and 0.95, got 1");
    assertThatThrownBy(
            () ->
                InterceptOptions.from(
                    new EnvOptions(
                        "intercept",
                        Map.of("launchError", DoubleNode.valueOf(200)),
                        InterceptOptions.KEYS)))
        .hasMessage(
            "environment.options.launchError (intercept) must be between 0 and 180, got 200");
  }

  private static PolicyEvaluation.Result proportionalNavigation(
      EnvironmentSpec spec, InterceptOptions options, double n) {
    VecIntercept env = new VecIntercept(spec.numEnvs, spec.maxStepsPerEpisode, spec.seed, options);
    PolicyEvaluation.Result pn =
        PolicyEvaluation.run(
            env, new ProportionalNavigation(n, options.maxLateralAccel()), EPISODES);
    System.out.printf(
        "intercept-hard proportional navigation N=%.0f: success %.1f%%, mean score %.0f, %.1f"
            + " steps/episode (jinkRate %.1f, radarDropout %.1f, radarNoisePerKm %.0f)%n",
        n,
        100 * pn.successRate(),
        pn.meanScore(),
        pn.meanLength(),
        options.jinkRate(),
        options.radarDropout(),
        options.radarNoisePerKm());
    return pn;
  }

  /** Largest lateral acceleration of the missile's ground track over 30 s, from its positions. */
  private static double maxMissileLateralAccel(InterceptOptions options) {
    double dt = Intercept.SUBSTEPS * Intercept.DT;
    double max = 0;
    for (long seed = 1; seed <= 10; seed++) {
      Intercept e = new Intercept(options, 1000, new Rng(seed));
      double x0 = e.missileX();
      double y0 = e.missileY();
      // Action 0 (hard turn, no thrust): the interceptor circles near the launcher.
      assertThat(e.step(0)).isEqualTo(StepOutcome.RUNNING);
      double x1 = e.missileX();
      double y1 = e.missileY();
      for (int t = 0; t < 150; t++) {
        assertThat(e.step(0)).isEqualTo(StepOutcome.RUNNING);
        double x2 = e.missileX();
        double y2 = e.missileY();
        double v1x = (x1 - x0) / dt;
        double v1y = (y1 - y0) / dt;
        double v2x = (x2 - x1) / dt;
        double v2y = (y2 - y1) / dt;
        double v = Math.hypot(v1x, v1y);
        // Sine of the heading change between the two steps, times speed, per step time.
        double turn = (v1x * v2y - v1y * v2x) / (v * Math.hypot(v2x, v2y));
        max = Math.max(max, Math.abs(turn) * v / dt);
        x0 = x1;
        y0 = y1;
        x1 = x2;
        y1 = y2;
      }
    }
    return max;
  }

  private static double trackErrorRms(InterceptOptions options) {
    Intercept e = new Intercept(options, 500, new Rng(3));
    ProportionalNavigation pn = new ProportionalNavigation(4, options.maxLateralAccel());
    float[] obs = new float[Intercept.OBS_DIM];
    int[] action = new int[1];
    double sum = 0;
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
          sum += sq(e.track().x() - e.missileX()) + sq(e.track().y() - e.missileY());
          samples++;
        }
      }
    }
    return Math.sqrt(sum / samples);
  }

  /** {@code base} with some options replaced, read through the same checks as a spec's. */
  private static InterceptOptions with(InterceptOptions base, Map<String, Double> changes) {
    Map<String, JsonNode> raw = new HashMap<>();
    for (RecordComponent c : InterceptOptions.class.getRecordComponents()) {
      try {
        raw.put(c.getName(), DoubleNode.valueOf((double) c.getAccessor().invoke(base)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    changes.forEach((k, v) -> raw.put(k, DoubleNode.valueOf(v)));
    return InterceptOptions.from(new EnvOptions("intercept", raw, InterceptOptions.KEYS));
  }

  private static double sq(double x) {
    return x * x;
  }
}

package dev.ratchet.trainer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.rl.Rng;
import org.junit.jupiter.api.Test;

/**
 * The band controller on its own, against a router whose entropy drifts towards where training
 * would take it (its natural level) and responds to the coefficient with a lag of a few updates and
 * some noise: it brings the entropy into the band from above and from below and keeps it there.
 */
class AlphaEntropyControllerTest {

  private static AlphaEntropyTarget band(double low, double high) {
    AlphaEntropyTarget t = new AlphaEntropyTarget();
    t.low = low;
    t.high = high;
    return t;
  }

  /**
   * Runs {@code updates} updates of a router starting at {@code start} whose entropy would settle
   * at {@code natural} − 2 · coefficient; returns the entropy after each update.
   */
  private static double[] simulate(
      AlphaEntropyController c, double start, double natural, int updates) {
    Rng noise = new Rng(7);
    double h = start;
    double[] seen = new double[updates];
    for (int i = 0; i < updates; i++) {
      double settle = Math.min(Math.log(4), Math.max(0, natural - 2 * c.coefficient()));
      h += (settle - h) / 5;
      seen[i] = h;
      c.observe(h + 0.02 * noise.nextGaussian());
    }
    return seen;
  }

  private static void assertHeldInBand(double[] h, int from, double low, double high) {
    for (int i = from; i < h.length; i++) {
      assertThat(h[i]).as("entropy after update %d", i).isBetween(low, high);
    }
  }

  @Test
  void bringsAnEvenRouterDownIntoTheBandAndHoldsIt() {
    // after a warmup that maximized it: ln 4, and training alone would keep it there
    AlphaEntropyController c =
        new AlphaEntropyController(band(0.3, 0.5), 0.05, EntropyGoal.MAXIMIZE);
    double[] h = simulate(c, 1.386, 1.386, 600);
    assertHeldInBand(h, 150, 0.3, 0.5);
    assertThat(c.coefficient()).as("pushes the entropy down").isPositive();
  }

  @Test
  void liftsACollapsedRouterUpIntoTheBandAndHoldsIt() {
    // sparsemax at a low temperature left one expert per sample: training alone keeps it at 0.05
    AlphaEntropyController c =
        new AlphaEntropyController(band(0.3, 0.5), 0.05, EntropyGoal.MINIMIZE);
    double[] h = simulate(c, 0.05, 0.05, 600);
    assertHeldInBand(h, 150, 0.3, 0.5);
    assertThat(c.coefficient()).as("pushes the entropy up").isNegative();
  }

  @Test
  void leavesARouterThatStaysInTheBandAlone() {
    AlphaEntropyController c =
        new AlphaEntropyController(band(0.3, 0.5), 0.05, EntropyGoal.MAXIMIZE);
    for (int i = 0; i < 100; i++) {
      c.observe(0.4);
    }
    assertThat(c.coefficient()).isZero();
    assertThat(c.above()).isZero();
    assertThat(c.below()).isZero();
  }

  @Test
  void neverUsesMoreThanItsLimitAndIgnoresANonFiniteReading() {
    AlphaEntropyTarget t = band(0.3, 0.5);
    t.maxCoef = 0.2;
    AlphaEntropyController c = new AlphaEntropyController(t, 0.9, EntropyGoal.MINIMIZE);
    assertThat(c.coefficient()).isEqualTo(0.2);
    for (int i = 0; i < 1000; i++) {
      c.observe(1.386);
    }
    assertThat(c.coefficient()).isEqualTo(0.2);
    c.observe(Double.NaN);
    assertThat(c.coefficient()).isEqualTo(0.2);
  }

  @Test
  void itsCoefficientReachesTheRouterWithTheRightGoal() {
    AlphaEntropyController c =
        new AlphaEntropyController(band(0.3, 0.5), 0.05, EntropyGoal.MAXIMIZE);
    RouterSettings scheduled =
        new RouterSettings(Routing.SPARSEMAX, 0.4, 0.05, EntropyGoal.MAXIMIZE, 0.02, 0.01);
    for (int i = 0; i < 40; i++) {
      c.observe(1.2);
    }
    RouterSettings applied = c.apply(scheduled);
    assertThat(applied.alphaEntropyGoal()).isEqualTo(EntropyGoal.MINIMIZE);
    assertThat(applied.alphaEntropyCoef()).isEqualTo(c.coefficient());
    assertThat(applied.temperature()).isEqualTo(0.4);
    assertThat(applied.loadBalanceCoef()).isEqualTo(0.02);
  }

  @Test
  void theScheduleAnnealsTheTemperatureLinearlyOverThePhase() {
    dev.ratchet.api.v1alpha1.TemperatureSpec t = new dev.ratchet.api.v1alpha1.TemperatureSpec();
    t.from = 1.0;
    t.to = 0.5;
    RouterSchedule s = new RouterSchedule(Routing.SPARSEMAX, t, null, 1000, 3000);
    assertThat(s.at(1000).temperature()).isEqualTo(1.0);
    assertThat(s.at(2000).temperature()).isEqualTo(0.75);
    assertThat(s.at(3000).temperature()).isEqualTo(0.5);
    // before and after the phase it holds its end values
    assertThat(s.at(500).temperature()).isEqualTo(1.0);
    assertThat(s.at(3500).temperature()).isEqualTo(0.5);
  }
}

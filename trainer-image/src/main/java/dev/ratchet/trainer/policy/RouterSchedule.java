package dev.ratchet.trainer.policy;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.MoeSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.TemperatureSpec;

/**
 * The router settings of an attempt's phase by episode: its routing and loss weights, and the
 * temperature annealed linearly from {@code from} at the phase's first episode to {@code to} at its
 * last.
 */
public final class RouterSchedule {

  private final Routing routing;
  private final TemperatureSpec temperature;
  private final MoeSpec moe;
  private final long startEpisode;
  private final long endEpisode;

  public RouterSchedule(
      Routing routing,
      TemperatureSpec temperature,
      MoeSpec moe,
      long startEpisode,
      long endEpisode) {
    this.routing = routing == null ? Routing.SOFTMAX : routing;
    this.temperature = temperature == null ? new TemperatureSpec() : temperature;
    this.moe = moe == null ? new MoeSpec() : moe;
    this.startEpisode = startEpisode;
    this.endEpisode = endEpisode;
  }

  /** The schedule of the phase an attempt trains. */
  public static RouterSchedule of(TrainerConfig c) {
    return new RouterSchedule(
        c.routing(), c.temperature(), c.moe(), c.phaseStartEpisode(), c.untilEpisode());
  }

  /** A controller for the phase's alpha entropy band, or null when the phase sets none. */
  public AlphaEntropyController bandController() {
    if (moe.alphaEntropyTarget == null) {
      return null;
    }
    return new AlphaEntropyController(
        moe.alphaEntropyTarget,
        moe.alphaEntropyCoef,
        moe.alphaEntropyGoal == null ? EntropyGoal.MAXIMIZE : moe.alphaEntropyGoal);
  }

  /** The settings in force at {@code episode}. */
  public RouterSettings at(long episode) {
    long span = endEpisode - startEpisode;
    double done =
        span <= 0 ? 0 : Math.min(1, Math.max(0, (episode - startEpisode) / (double) span));
    double t = temperature.from + (temperature.to - temperature.from) * done;
    return new RouterSettings(
        routing,
        t,
        moe.alphaEntropyCoef,
        moe.alphaEntropyGoal == null ? EntropyGoal.MAXIMIZE : moe.alphaEntropyGoal,
        moe.loadBalanceCoef,
        moe.diversityCoef);
  }
}

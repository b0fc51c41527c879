package dev.ratchet.trainer.policy;

import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.Routing;

/**
 * The router's activation, temperature and auxiliary loss weights in force for a rollout and its
 * update.
 *
 * @param routing softmax or sparsemax
 * @param temperature router logits are divided by this before the activation
 * @param alphaEntropyCoef weight of the mean per-sample entropy of the expert weights α
 * @param alphaEntropyGoal whether that term is maximized or minimized
 * @param loadBalanceCoef weight of the Switch-style load balance loss
 * @param diversityCoef weight of the mean pairwise cosine similarity of expert outputs
 */
public record RouterSettings(
    Routing routing,
    double temperature,
    double alphaEntropyCoef,
    EntropyGoal alphaEntropyGoal,
    double loadBalanceCoef,
    double diversityCoef) {

  public RouterSettings {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("router temperature must be positive: " + temperature);
    }
  }

  /** Plain routing with no auxiliary losses. */
  public static RouterSettings plain(Routing routing, double temperature) {
    return new RouterSettings(routing, temperature, 0, EntropyGoal.MAXIMIZE, 0, 0);
  }
}

package dev.ratchet.trainer.policy;

import dev.ratchet.api.v1alpha1.Routing;
import java.util.List;

/**
 * How the mixture-of-experts router behaved during one update, averaged over its minibatch steps.
 *
 * @param routing activation in force
 * @param temperature temperature in force
 * @param alphaEntropy mean per-sample entropy of the expert weights α (ln E at most)
 * @param routingEntropy entropy of the batch-mean α (ln E when experts are used evenly overall)
 * @param expertUsage each expert's share of the mixture weight (mean α_i; sums to 1)
 * @param deadExperts experts whose share is below a tenth of the even share 1/E
 * @param loadBalance the Switch load balance term E · Σ f_i · P_i (1 when balanced)
 * @param expertSimilarity mean pairwise cosine similarity of the expert outputs
 * @param auxLoss the router terms added to the loss, weighted
 * @param alphaEntropyCoef the signed weight of the alpha entropy term in force (positive pushes the
 *     entropy down, negative up)
 */
public record RouterStats(
    Routing routing,
    double temperature,
    double alphaEntropy,
    double routingEntropy,
    List<Double> expertUsage,
    int deadExperts,
    double loadBalance,
    double expertSimilarity,
    double auxLoss,
    double alphaEntropyCoef) {

  public RouterStats {
    expertUsage = List.copyOf(expertUsage);
  }
}

package dev.ratchet.trainer.rl;

import dev.ratchet.trainer.policy.RouterStats;

/**
 * What one PPO update did, averaged over its applied minibatches.
 *
 * @param policyLoss clipped surrogate loss
 * @param valueLoss value loss (clipped when configured)
 * @param entropy mean policy entropy
 * @param approxKl approximate KL between the old and new policy, (r − 1) − log r
 * @param clipFraction fraction of samples whose ratio left the clip range
 * @param explainedVariance of the returns by the value estimates
 * @param gradNorm mean global gradient norm before clipping
 * @param learningRate learning rate used
 * @param clipRange clip range used
 * @param minibatches minibatch steps applied
 * @param nonFinite minibatch steps skipped for a NaN/Inf in loss, gradients or parameters
 * @param stoppedEarly whether the target-KL stop ended the epochs early
 * @param router how the mixture-of-experts router behaved (moe only; null otherwise, or when no
 *     minibatch step was applied)
 * @param firstNonFinite where the first skipped step of the update went non-finite, or null
 */
public record UpdateStats(
    double policyLoss,
    double valueLoss,
    double entropy,
    double approxKl,
    double clipFraction,
    double explainedVariance,
    double gradNorm,
    double learningRate,
    double clipRange,
    int minibatches,
    int nonFinite,
    boolean stoppedEarly,
    RouterStats router,
    NonFinite firstNonFinite) {}

package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;

/**
 * What a policy computes on a training minibatch (arrays attached to the minibatch's manager).
 *
 * @param logits samples × actions
 * @param value samples (one dimension)
 * @param auxLoss a scalar added to the PPO loss (router terms), or null
 * @param diagnostics a float vector the learner averages over the update, or null
 */
public record Evaluation(NDArray logits, NDArray value, NDArray auxLoss, NDArray diagnostics) {}

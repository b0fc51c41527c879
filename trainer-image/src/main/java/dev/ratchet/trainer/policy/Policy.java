package dev.ratchet.trainer.policy;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * An actor-critic network for discrete actions, as PPO sees it: a batched rollout step (with the
 * recurrent state, if any) and a training forward over a minibatch. Parameters live in a {@link
 * ParameterSet}; the methods get engine copies of them in that order.
 */
public interface Policy {

  ParameterSet parameters();

  int obsDim();

  int actions();

  /** Floats of recurrent state per env (0 for feed-forward policies). */
  default int stateSize() {
    return 0;
  }

  /**
   * One rollout step for a batch of envs.
   *
   * @param p the materialized parameters, in {@link #parameters()} order
   * @param obs batch × obsDim
   * @param state batch × {@link #stateSize()}, or null when the policy has none
   * @return batch × (actions + 1 + stateSize): the logits, the value, then the next state
   */
  NDArray step(NDArray[] p, NDArray obs, NDArray state);

  /**
   * The training forward over a minibatch.
   *
   * @param obs samples × obsDim; for a recurrent policy t-major over {@code seq}
   * @param seq how the samples form sequences (recurrent policies), or null
   */
  Evaluation evaluate(NDArray[] p, NDArray obs, Sequences seq);

  /** Length of {@link Evaluation#diagnostics()} (0 when the policy reports none). */
  default int diagnosticsSize() {
    return 0;
  }

  /** Names of the {@link Evaluation#diagnostics()} entries, in order (for non-finite reports). */
  default List<String> diagnosticNames() {
    return List.of();
  }

  /** Turns diagnostics averaged over an update's minibatches into router statistics. */
  default RouterStats summarize(double[] meanDiagnostics) {
    return null;
  }

  /** Sets the router's activation, temperature and loss weights; policies without one ignore it. */
  default void setRouter(RouterSettings settings) {}
}

package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a checkpoint's policy reached on the evaluation episodes: in its manifest, the trainer's
 * progress report and {@code ratchet evaluate}'s JSON.
 *
 * @param checkpoint id of the evaluated checkpoint (null when evaluated before it was named)
 * @param episode training episodes completed when the checkpoint was written
 * @param episodes evaluation episodes played
 * @param deterministic whether the policy acted greedily
 * @param seed seed of the evaluation environments
 * @param scoreMean mean episode score
 * @param scoreStd standard deviation of the episode score
 * @param successRate share of the episodes that reached the environment's goal
 * @param lengthMean mean episode length in steps
 * @param seconds wall time the evaluation took
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationResult(
    String checkpoint,
    long episode,
    int episodes,
    boolean deterministic,
    long seed,
    double scoreMean,
    double scoreStd,
    Double successRate,
    double lengthMean,
    double seconds) {

  /** The same result, naming the checkpoint it evaluated. */
  public EvaluationResult forCheckpoint(String id) {
    return new EvaluationResult(
        id,
        episode,
        episodes,
        deterministic,
        seed,
        scoreMean,
        scoreStd,
        successRate,
        lengthMean,
        seconds);
  }

  /**
   * The same result with its wall time zeroed: what two evaluations of the same checkpoint,
   * episodes and seed must agree on.
   */
  public EvaluationResult withoutSeconds() {
    return new EvaluationResult(
        checkpoint,
        episode,
        episodes,
        deterministic,
        seed,
        scoreMean,
        scoreStd,
        successRate,
        lengthMean,
        0);
  }
}

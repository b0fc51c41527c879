package dev.ratchet.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One line of {@code RUN/metrics/attempt-NNNN.jsonl}: a finished episode, as reports and plots read
 * it.
 *
 * @param episode episodes completed since the run started, this one included
 * @param score the episode's score (the environment's own measure, e.g. steps balanced, gold)
 * @param reward mean reward per step over the episode
 * @param length steps in the episode
 * @param phase phase being trained
 * @param attempt attempt that played the episode
 * @param envSteps environment steps completed since the run started
 * @param time when the episode ended (RFC 3339)
 * @param alphaEntropy mean router alpha entropy at the last update (moe only, else absent)
 * @param expertUsage share of samples routed to each expert at the last update (moe only)
 * @param temperature router temperature in use (moe only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpisodeRecord(
    long episode,
    double score,
    double reward,
    int length,
    String phase,
    int attempt,
    long envSteps,
    String time,
    Double alphaEntropy,
    List<Double> expertUsage,
    Double temperature) {}

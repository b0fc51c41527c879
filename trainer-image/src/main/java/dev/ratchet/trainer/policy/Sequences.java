package dev.ratchet.trainer.policy;

/**
 * How a recurrent minibatch is laid out: {@code count} env sequences of {@code steps} steps,
 * samples t-major (sample t · count + j is step t of sequence j).
 *
 * @param steps length of every sequence
 * @param count sequences in the minibatch
 * @param initialState count × stateSize: each sequence's state before its first step
 * @param keep steps × count: 0 where the state must be reset before that step (the env's previous
 *     episode ended), else 1
 */
public record Sequences(int steps, int count, float[] initialState, float[] keep) {}

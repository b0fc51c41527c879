package dev.ratchet.trainer.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * {@code numEnvs} copies of one environment stepped together with automatic reset, exchanging plain
 * float arrays so the policy does one batched forward pass per step. Everything random derives from
 * the seed given at construction, so the same seed and actions give the same trajectory.
 */
public interface VecEnv {

  /** Copies stepped together. */
  int numEnvs();

  /** Floats in one copy's observation. */
  int obsDim();

  /** Discrete actions, numbered 0 to actions() − 1. */
  int actions();

  /** Current observations, numEnvs × obsDim row-major. */
  void observe(float[] out);

  /**
   * Steps every copy; finished copies are reset (their next observation is the new episode's).
   *
   * @param actions the action of each copy
   * @param rewards out: reward of each copy
   * @param dones out: whether each copy's episode ended (terminated or truncated)
   * @return the episodes that ended in this step (an empty immutable list when none did)
   */
  List<Episode> step(int[] actions, float[] rewards, boolean[] dones);

  /** Writes the full state (generators, worlds, episode stats) for checkpoints. */
  void writeState(DataOutputStream out) throws IOException;

  /** Restores what {@link #writeState} wrote; throws when it does not fit this configuration. */
  void readState(DataInputStream in) throws IOException;

  /**
   * Called after {@link #readState} with the observations the checkpoint holds. The in-process
   * environments restore their copies exactly, so those are their observations already; one that
   * cannot (an external server starts new episodes) writes its own.
   */
  default void afterRestore(float[] observations) {}

  /** Frees what the copies hold outside the heap (an external server's connection). */
  default void close() {}

  /**
   * One finished episode.
   *
   * @param env index of the copy
   * @param score what users read as the episode's result (the environment's own score)
   * @param length steps of the episode
   * @param totalReward sum of the rewards the agent received
   * @param success whether the episode reached the environment's goal (CartPole: balanced to the
   *     step limit; intercept: a hit; dungeon: went down the stairs at least once)
   */
  record Episode(int env, double score, int length, double totalReward, boolean success) {

    /** Mean reward per step. */
    public double meanReward() {
      return totalReward / Math.max(1, length);
    }
  }
}

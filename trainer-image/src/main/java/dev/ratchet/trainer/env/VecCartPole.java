package dev.ratchet.trainer.env;

import dev.ratchet.trainer.rl.Rng;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code numEnvs} CartPoles stepped together with automatic reset, so the policy does one batched
 * forward pass per step; each copy has its own generator derived from the seed.
 *
 * <p>For fault drills, option {@code nanObservationsFromEpisode} makes every observation NaN once
 * that many episodes have finished, as a broken simulator's would be (the physics go on).
 */
public final class VecCartPole implements VecEnv {

  private final CartPole[] envs;
  private final Rng[] rngs;
  private final double[] episodeReturn;
  private final int[] episodeLength;
  private final long nanFromEpisode;
  private long finished;

  public VecCartPole(int numEnvs, int maxSteps, long seed) {
    this(numEnvs, maxSteps, seed, 0);
  }

  /**
   * @param nanFromEpisode observations are NaN once this many episodes finished; 0 never
   */
  public VecCartPole(int numEnvs, int maxSteps, long seed, long nanFromEpisode) {
    this.nanFromEpisode = nanFromEpisode;
    envs = new CartPole[numEnvs];
    rngs = new Rng[numEnvs];
    episodeReturn = new double[numEnvs];
    episodeLength = new int[numEnvs];
    Rng root = new Rng(seed);
    for (int i = 0; i < numEnvs; i++) {
      rngs[i] = root.split();
      envs[i] = new CartPole(maxSteps, rngs[i]);
    }
  }

  @Override
  public int numEnvs() {
    return envs.length;
  }

  @Override
  public int obsDim() {
    return CartPole.OBS_DIM;
  }

  @Override
  public int actions() {
    return CartPole.ACTIONS;
  }

  @Override
  public void observe(float[] out) {
    for (int i = 0; i < envs.length; i++) {
      envs[i].observe(out, i * CartPole.OBS_DIM);
    }
    if (nanFromEpisode > 0 && finished >= nanFromEpisode) {
      java.util.Arrays.fill(out, 0, envs.length * CartPole.OBS_DIM, Float.NaN);
    }
  }

  @Override
  public List<Episode> step(int[] actions, float[] rewards, boolean[] dones) {
    List<Episode> finished = List.of();
    for (int i = 0; i < envs.length; i++) {
      StepOutcome outcome = envs[i].step(actions[i]);
      rewards[i] = 1f;
      episodeReturn[i] += 1.0;
      episodeLength[i]++;
      dones[i] = outcome != StepOutcome.RUNNING;
      if (dones[i]) {
        if (finished.isEmpty()) {
          finished = new ArrayList<>(2);
        }
        // success: balanced until the step limit cut the episode off
        finished.add(
            new Episode(
                i,
                episodeReturn[i],
                episodeLength[i],
                episodeReturn[i],
                outcome == StepOutcome.TRUNCATED));
        this.finished++;
        episodeReturn[i] = 0;
        episodeLength[i] = 0;
        envs[i].reset();
      }
    }
    return finished;
  }

  /** Per copy: its generator, physics and episode stats. */
  @Override
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(envs.length);
    for (int i = 0; i < envs.length; i++) {
      out.writeLong(rngs[i].state());
      for (double v : envs[i].state()) {
        out.writeDouble(v);
      }
      out.writeDouble(episodeReturn[i]);
      out.writeInt(episodeLength[i]);
    }
    out.writeLong(finished);
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != envs.length) {
      throw new IOException("checkpoint has " + n + " environments, config has " + envs.length);
    }
    for (int i = 0; i < n; i++) {
      rngs[i].setState(in.readLong());
      double[] phys = new double[5];
      for (int k = 0; k < phys.length; k++) {
        phys[k] = in.readDouble();
      }
      envs[i].setState(phys);
      episodeReturn[i] = in.readDouble();
      episodeLength[i] = in.readInt();
    }
    finished = in.readLong();
  }
}

package dev.ratchet.trainer.env.intercept;

import dev.ratchet.api.environment.InterceptOptions;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.rl.Rng;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code numEnvs} engagements, each with its own generator split from the seed. An episode's score
 * is its total reward; how engagements ended is counted for success rates.
 */
public final class VecIntercept implements VecEnv {

  // Written first in the state, so a checkpoint of another environment is refused, not misread.
  // "INT2": the jink options added three numbers per engagement to the "INTC" state.
  private static final int STATE_TAG = 0x494e5432;
  private static final int STATE_TAG_BEFORE_JINKS = 0x494e5443;

  private final Intercept[] envs;
  private final long[] outcomes = new long[Intercept.Outcome.values().length];

  public VecIntercept(int numEnvs, int maxSteps, long seed, InterceptOptions options) {
    envs = new Intercept[numEnvs];
    Rng root = new Rng(seed);
    for (int i = 0; i < numEnvs; i++) {
      envs[i] = new Intercept(options, maxSteps, root.split());
    }
  }

  /** Copy {@code i}, for tests. */
  public Intercept env(int i) {
    return envs[i];
  }

  /** Engagements ended so far with {@code outcome}. */
  public long count(Intercept.Outcome outcome) {
    return outcomes[outcome.ordinal()];
  }

  /** Hits over all ended engagements (NaN before any ended). */
  public double successRate() {
    long total = 0;
    for (long c : outcomes) {
      total += c;
    }
    return (double) count(Intercept.Outcome.HIT) / total;
  }

  @Override
  public int numEnvs() {
    return envs.length;
  }

  @Override
  public int obsDim() {
    return Intercept.OBS_DIM;
  }

  @Override
  public int actions() {
    return Intercept.ACTIONS;
  }

  @Override
  public void observe(float[] out) {
    for (int i = 0; i < envs.length; i++) {
      envs[i].observe(out, i * Intercept.OBS_DIM);
    }
  }

  @Override
  public List<Episode> step(int[] actions, float[] rewards, boolean[] dones) {
    List<Episode> finished = List.of();
    for (int i = 0; i < envs.length; i++) {
      Intercept e = envs[i];
      StepOutcome outcome = e.step(actions[i]);
      rewards[i] = (float) e.lastReward();
      dones[i] = outcome != StepOutcome.RUNNING;
      if (dones[i]) {
        if (finished.isEmpty()) {
          finished = new ArrayList<>(2);
        }
        outcomes[e.outcome().ordinal()]++;
        finished.add(
            new Episode(
                i,
                e.totalReward(),
                e.steps(),
                e.totalReward(),
                e.outcome() == Intercept.Outcome.HIT));
        e.reset();
      }
    }
    return finished;
  }

  @Override
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(STATE_TAG);
    out.writeInt(envs.length);
    for (Intercept e : envs) {
      e.writeState(out);
    }
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    int tag = in.readInt();
    if (tag == STATE_TAG_BEFORE_JINKS) {
      throw new IOException(
          "checkpoint holds an intercept state written before the jink options (a trainer older"
              + " than this one); resume it with that trainer or start the run afresh");
    }
    if (tag != STATE_TAG) {
      throw new IOException("checkpoint is not of an intercept environment");
    }
    int n = in.readInt();
    if (n != envs.length) {
      throw new IOException("checkpoint has " + n + " environments, config has " + envs.length);
    }
    for (Intercept e : envs) {
      e.readState(in);
    }
  }
}

package dev.ratchet.trainer.env.dungeon;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.rl.Rng;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code numEnvs} dungeons, each with its own generator split from the seed. */
public final class VecDungeon implements VecEnv {

  // Written first in the state, so a checkpoint of another environment is refused, not misread.
  private static final int STATE_TAG = 0x44554e47;

  private final DungeonOptions options;
  private final Dungeon[] envs;
  private final double[] episodeReward;
  private final int obsDim;

  public VecDungeon(int numEnvs, int maxSteps, long seed, DungeonOptions options) {
    this.options = options;
    this.envs = new Dungeon[numEnvs];
    this.episodeReward = new double[numEnvs];
    this.obsDim = Dungeon.obsDim(options);
    Rng root = new Rng(seed);
    for (int i = 0; i < numEnvs; i++) {
      envs[i] = new Dungeon(options, maxSteps, root.split());
    }
  }

  public DungeonOptions options() {
    return options;
  }

  /** Copy {@code i}, for tests and logs. */
  public Dungeon env(int i) {
    return envs[i];
  }

  @Override
  public int numEnvs() {
    return envs.length;
  }

  @Override
  public int obsDim() {
    return obsDim;
  }

  @Override
  public int actions() {
    return Dungeon.ACTIONS;
  }

  @Override
  public void observe(float[] out) {
    for (int i = 0; i < envs.length; i++) {
      envs[i].observe(out, i * obsDim);
    }
  }

  @Override
  public List<Episode> step(int[] actions, float[] rewards, boolean[] dones) {
    List<Episode> finished = List.of();
    for (int i = 0; i < envs.length; i++) {
      Dungeon d = envs[i];
      StepOutcome outcome = d.step(actions[i]);
      rewards[i] = (float) d.lastReward();
      episodeReward[i] += d.lastReward();
      dones[i] = outcome != StepOutcome.RUNNING;
      if (dones[i]) {
        if (finished.isEmpty()) {
          finished = new ArrayList<>(2);
        }
        // success: went down the stairs at least once
        finished.add(new Episode(i, d.score(), d.steps(), episodeReward[i], d.depth() > 1));
        episodeReward[i] = 0;
        d.reset();
      }
    }
    return finished;
  }

  @Override
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(STATE_TAG);
    out.writeInt(envs.length);
    out.writeInt(options.width());
    out.writeInt(options.height());
    for (int i = 0; i < envs.length; i++) {
      envs[i].writeState(out);
      out.writeDouble(episodeReward[i]);
    }
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    if (in.readInt() != STATE_TAG) {
      throw new IOException("checkpoint is not of a dungeon environment");
    }
    int n = in.readInt();
    if (n != envs.length) {
      throw new IOException("checkpoint has " + n + " environments, config has " + envs.length);
    }
    int width = in.readInt();
    int height = in.readInt();
    if (width != options.width() || height != options.height()) {
      throw new IOException(
          "checkpoint has "
              + width
              + "×"
              + height
              + " dungeons, config has "
              + options.width()
              + "×"
              + options.height());
    }
    for (int i = 0; i < n; i++) {
      envs[i].readState(in);
      episodeReward[i] = in.readDouble();
    }
  }
}

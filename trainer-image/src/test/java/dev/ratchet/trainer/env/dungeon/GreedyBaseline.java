package dev.ratchet.trainer.env.dungeon;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.trainer.env.ActionPolicy;
import dev.ratchet.trainer.rl.Rng;

/**
 * A hand-written dungeon policy that reads only the observation, to show how much a policy can
 * score: descend when on the stairs, else step towards the nearest gold in the window, else towards
 * the stairs once seen, else wander in a straight line; one step in four is random so it does not
 * stick against walls.
 */
public final class GreedyBaseline implements ActionPolicy {

  private static final int[] DX = {0, 1, 1, 1, 0, -1, -1, -1};
  private static final int[] DY = {-1, -1, 0, 1, 1, 1, 0, -1};

  private final DungeonOptions options;
  private final Rng rng;
  private int[] heading = new int[0];

  public GreedyBaseline(DungeonOptions options, long seed) {
    this.options = options;
    this.rng = new Rng(seed);
  }

  @Override
  public void act(float[] obs, int obsDim, int[] actions) {
    if (heading.length != actions.length) {
      heading = new int[actions.length];
    }
    int v = options.view();
    int plane = v * v;
    int c = v / 2;
    for (int e = 0; e < actions.length; e++) {
      int o = e * obsDim;
      if (obs[o + 5 * plane + c * v + c] > 0) {
        actions[e] = Dungeon.DESCEND;
        continue;
      }
      int tx = 0;
      int ty = 0;
      boolean target = false;
      int best = Integer.MAX_VALUE;
      for (int j = 0; j < v; j++) {
        for (int i = 0; i < v; i++) {
          int d = Math.max(Math.abs(i - c), Math.abs(j - c));
          if (obs[o + 3 * plane + j * v + i] > 0 && d < best) {
            best = d;
            tx = i - c;
            ty = j - c;
            target = true;
          }
        }
      }
      int s = o + Dungeon.CHANNELS * plane;
      if (!target && obs[s + 3] > 0) {
        tx = Math.round(obs[s + 4] * options.width());
        ty = Math.round(obs[s + 5] * options.height());
        target = true;
      }
      int move = target && rng.nextInt(4) > 0 ? towards(obs, o, v, tx, ty) : -1;
      if (move < 0) {
        move = wander(obs, o, v, heading[e]);
      }
      heading[e] = move < 8 ? move : heading[e];
      actions[e] = move;
    }
  }

  /** The open neighbour that most reduces the distance to (tx, ty), or -1 when none is open. */
  private static int towards(float[] obs, int o, int v, int tx, int ty) {
    int c = v / 2;
    int choice = -1;
    int bestCost = Integer.MAX_VALUE;
    for (int d = 0; d < 8; d++) {
      if (obs[o + (c + DY[d]) * v + c + DX[d]] > 0) {
        continue;
      }
      int ax = Math.abs(tx - DX[d]);
      int ay = Math.abs(ty - DY[d]);
      int cost = Math.max(ax, ay) * 16 + ax + ay;
      if (cost < bestCost) {
        bestCost = cost;
        choice = d;
      }
    }
    return choice;
  }

  /** Keeps the heading four times in five while it is open, else a random open direction. */
  private int wander(float[] obs, int o, int v, int current) {
    int c = v / 2;
    for (int k = 0; k < 8; k++) {
      int d = k == 0 && rng.nextInt(5) > 0 ? current : rng.nextInt(8);
      if (obs[o + (c + DY[d]) * v + c + DX[d]] == 0) {
        return d;
      }
    }
    return Dungeon.WAIT;
  }
}

package dev.ratchet.trainer.env.dungeon;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.rl.Rng;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * One NetHack-inspired roguelike episode: procedural rooms joined by corridors, gold piles,
 * monsters that chase and hit, stairs down to freshly generated deeper levels, hit points. The
 * score follows NetHack's spirit: gold picked up + 50·(deepest level − 1) + 4·(experience from
 * kills), where a kill of a level-L monster is worth 1 + L² experience as in NetHack's {@code
 * experience()}. All state is in flat arrays and a step allocates nothing.
 */
public final class Dungeon {

  /** Glyph channels of the observation window: blocked, floor, corridor, gold, monster, stairs. */
  public static final int CHANNELS = 6;

  /** Scalars after the window: HP, depth, gold, stairs seen, stairs dx, stairs dy, time. */
  public static final int SCALARS = 7;

  /** 8 moves (N, NE, E, SE, S, SW, W, NW), then wait, then descend. */
  public static final int ACTIONS = 10;

  public static final int WAIT = 8;
  public static final int DESCEND = 9;

  static final byte ROCK = 0;
  static final byte FLOOR = 1;
  static final byte CORRIDOR = 2;
  static final int DESCEND_SCORE = 50;
  static final int XP_SCORE = 4;
  static final double STEP_COST = 0.01;

  private static final int[] DX = {0, 1, 1, 1, 0, -1, -1, -1};
  private static final int[] DY = {-1, -1, 0, 1, 1, 1, 0, -1};
  private static final int SIGHT = 6;
  private static final int HERO_TO_HIT = 75;
  private static final int HERO_DAMAGE = 6;
  private static final int ROOM_TRIES = 60;

  private final DungeonOptions o;
  private final int maxSteps;
  private final Rng rng;
  private final int w;
  private final int h;
  private final int capacity;
  private final byte[] terrain;
  private final int[] gold;
  // Index + 1 of the monster standing on a cell, 0 for none.
  private final int[] monsterAt;
  private final int[] roomX;
  private final int[] roomY;
  private final int[] roomW;
  private final int[] roomH;
  private final int[] mx;
  private final int[] my;
  private final int[] mhp;
  private final int[] mlevel;
  private int rooms;
  private int monsterCount;
  private int px;
  private int py;
  private int hp;
  private int depth;
  private int goldTotal;
  private int xp;
  private int steps;
  private int stairsX;
  private int stairsY;
  private boolean stairsSeen;
  private double lastReward;

  public Dungeon(DungeonOptions options, int maxSteps, Rng rng) {
    this.o = options;
    this.maxSteps = maxSteps;
    this.rng = rng;
    this.w = options.width();
    this.h = options.height();
    this.capacity = options.monsters() + 16;
    terrain = new byte[w * h];
    gold = new int[w * h];
    monsterAt = new int[w * h];
    roomX = new int[options.maxRooms()];
    roomY = new int[options.maxRooms()];
    roomW = new int[options.maxRooms()];
    roomH = new int[options.maxRooms()];
    mx = new int[capacity];
    my = new int[capacity];
    mhp = new int[capacity];
    mlevel = new int[capacity];
    reset();
  }

  /** Floats in one observation. */
  public static int obsDim(DungeonOptions o) {
    return CHANNELS * o.view() * o.view() + SCALARS;
  }

  /** Starts a new game on a fresh level 1. */
  public void reset() {
    depth = 1;
    hp = o.hitPoints();
    goldTotal = 0;
    xp = 0;
    steps = 0;
    lastReward = 0;
    generateLevel();
  }

  /** NetHack's score: gold + 50·(deepest level − 1) + 4·experience. */
  public int score() {
    return goldTotal + DESCEND_SCORE * (depth - 1) + XP_SCORE * xp;
  }

  /** Reward of the last step: score delta − 0.01. */
  public double lastReward() {
    return lastReward;
  }

  public int steps() {
    return steps;
  }

  public int hitPoints() {
    return hp;
  }

  public int depth() {
    return depth;
  }

  public int gold() {
    return goldTotal;
  }

  public int experience() {
    return xp;
  }

  int heroX() {
    return px;
  }

  int heroY() {
    return py;
  }

  /** Applies one action, then the monsters act; the hero regenerates every regenEvery steps. */
  public StepOutcome step(int action) {
    int before = score();
    steps++;
    boolean descended = false;
    if (action >= 0 && action < 8) {
      int nx = px + DX[action];
      int ny = py + DY[action];
      if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
        int c = ny * w + nx;
        int m = monsterAt[c] - 1;
        if (m >= 0) {
          heroAttacks(m);
        } else if (terrain[c] != ROCK) {
          px = nx;
          py = ny;
          goldTotal += gold[c];
          gold[c] = 0;
        }
        // Into rock: the move is blocked and the turn is spent.
      }
    } else if (action == DESCEND && px == stairsX && py == stairsY) {
      depth++;
      generateLevel();
      descended = true;
    }
    if (!descended) {
      monstersAct();
    }
    if (o.regenEvery() > 0 && steps % o.regenEvery() == 0 && hp > 0 && hp < o.hitPoints()) {
      hp++;
    }
    noticeStairs();
    lastReward = score() - before - STEP_COST;
    if (hp <= 0) {
      return StepOutcome.TERMINATED;
    }
    return steps >= maxSteps ? StepOutcome.TRUNCATED : StepOutcome.RUNNING;
  }

  private void heroAttacks(int m) {
    if (rng.nextInt(100) >= HERO_TO_HIT) {
      return;
    }
    mhp[m] -= 1 + rng.nextInt(HERO_DAMAGE);
    if (mhp[m] <= 0) {
      monsterAt[my[m] * w + mx[m]] = 0;
      xp += 1 + mlevel[m] * mlevel[m];
    }
  }

  private void monstersAct() {
    for (int m = 0; m < monsterCount; m++) {
      if (mhp[m] <= 0 || (mlevel[m] == 0 && (steps & 1) == 1)) {
        // Level-0 monsters are slow (speed 6 against the hero's 12): they act every other turn.
        continue;
      }
      int dx = px - mx[m];
      int dy = py - my[m];
      int dist = Math.max(Math.abs(dx), Math.abs(dy));
      if (dist == 1) {
        if (rng.nextInt(100) < 50 + 5 * mlevel[m]) {
          hp -= 1 + rng.nextInt(2 + mlevel[m]);
        }
      } else if (dist <= SIGHT) {
        chase(m);
      } else if (rng.nextInt(2) == 0) {
        int d = rng.nextInt(8);
        tryMove(m, mx[m] + DX[d], my[m] + DY[d]);
      }
    }
  }

  /** Greedy step that most reduces the distance to the hero (king moves), if any does. */
  private void chase(int m) {
    int bestDir = -1;
    int bestDist = Math.max(Math.abs(px - mx[m]), Math.abs(py - my[m]));
    int bestManhattan = Math.abs(px - mx[m]) + Math.abs(py - my[m]);
    for (int d = 0; d < 8; d++) {
      int nx = mx[m] + DX[d];
      int ny = my[m] + DY[d];
      if (!free(nx, ny)) {
        continue;
      }
      int dist = Math.max(Math.abs(px - nx), Math.abs(py - ny));
      int manhattan = Math.abs(px - nx) + Math.abs(py - ny);
      if (dist < bestDist || (dist == bestDist && manhattan < bestManhattan)) {
        bestDir = d;
        bestDist = dist;
        bestManhattan = manhattan;
      }
    }
    if (bestDir >= 0) {
      tryMove(m, mx[m] + DX[bestDir], my[m] + DY[bestDir]);
    }
  }

  private boolean free(int x, int y) {
    if (x < 0 || y < 0 || x >= w || y >= h || (x == px && y == py)) {
      return false;
    }
    int c = y * w + x;
    return terrain[c] != ROCK && monsterAt[c] == 0;
  }

  private void tryMove(int m, int x, int y) {
    if (free(x, y)) {
      monsterAt[my[m] * w + mx[m]] = 0;
      mx[m] = x;
      my[m] = y;
      monsterAt[y * w + x] = m + 1;
    }
  }

  private void noticeStairs() {
    int half = o.view() / 2;
    if (Math.abs(stairsX - px) <= half && Math.abs(stairsY - py) <= half) {
      stairsSeen = true;
    }
  }

  /**
   * Writes the observation at {@code offset}: CHANNELS one-hot planes of the view × view window
   * centred on the hero (outside the map counts as blocked), then the scalars.
   */
  public void observe(float[] out, int offset) {
    int v = o.view();
    int half = v / 2;
    int plane = v * v;
    Arrays.fill(out, offset, offset + CHANNELS * plane + SCALARS, 0f);
    int stairsCell = stairsY * w + stairsX;
    for (int j = 0; j < v; j++) {
      int y = py + j - half;
      for (int i = 0; i < v; i++) {
        int x = px + i - half;
        int k = offset + j * v + i;
        if (x < 0 || y < 0 || x >= w || y >= h) {
          out[k] = 1f;
          continue;
        }
        int c = y * w + x;
        out[k + terrain[c] * plane] = 1f;
        if (gold[c] > 0) {
          out[k + 3 * plane] = 1f;
        }
        if (monsterAt[c] > 0) {
          out[k + 4 * plane] = 1f;
        }
        if (c == stairsCell) {
          out[k + 5 * plane] = 1f;
        }
      }
    }
    int s = offset + CHANNELS * plane;
    out[s] = (float) Math.max(hp, 0) / o.hitPoints();
    out[s + 1] = Math.min(depth, 10) / 10f;
    out[s + 2] = Math.min(goldTotal, 1000) / 1000f;
    if (stairsSeen) {
      // NetHack keeps the map of what the hero has seen: where the stairs were, once seen.
      out[s + 3] = 1f;
      out[s + 4] = (float) (stairsX - px) / w;
      out[s + 5] = (float) (stairsY - py) / h;
    }
    out[s + 6] = (float) steps / maxSteps;
  }

  private void generateLevel() {
    do {
      placeRooms();
    } while (rooms < 2);
    Arrays.fill(terrain, ROCK);
    Arrays.fill(gold, 0);
    Arrays.fill(monsterAt, 0);
    for (int r = 0; r < rooms; r++) {
      for (int y = roomY[r]; y < roomY[r] + roomH[r]; y++) {
        Arrays.fill(terrain, y * w + roomX[r], y * w + roomX[r] + roomW[r], FLOOR);
      }
    }
    // As NetHack's makecorridors(): join each room to the next (rooms sorted left to right),
    // then some to the one after, for loops.
    for (int r = 0; r + 1 < rooms; r++) {
      corridor(r, r + 1);
    }
    for (int r = 0; r + 2 < rooms; r += 2) {
      if (rng.nextInt(2) == 0) {
        corridor(r, r + 2);
      }
    }
    int heroRoom = rng.nextInt(rooms);
    px = roomX[heroRoom] + rng.nextInt(roomW[heroRoom]);
    py = roomY[heroRoom] + rng.nextInt(roomH[heroRoom]);
    int stairsRoom = (heroRoom + 1 + rng.nextInt(rooms - 1)) % rooms;
    stairsX = roomX[stairsRoom] + rng.nextInt(roomW[stairsRoom]);
    stairsY = roomY[stairsRoom] + rng.nextInt(roomH[stairsRoom]);
    stairsSeen = false;
    for (int g = 0; g < o.goldPiles(); g++) {
      int r = rng.nextInt(rooms);
      int x = roomX[r] + rng.nextInt(roomW[r]);
      int y = roomY[r] + rng.nextInt(roomH[r]);
      if ((x == stairsX && y == stairsY) || (x == px && y == py)) {
        continue;
      }
      // NetHack's mkgold(): 1 + rnd(level difficulty + 2) · rnd(30).
      gold[y * w + x] += 1 + (1 + rng.nextInt(depth + 2)) * (1 + rng.nextInt(30));
    }
    monsterCount = 0;
    int wanted = Math.min(capacity, o.monsters() + (depth - 1) / 2);
    for (int k = 0; k < wanted; k++) {
      int r = rng.nextInt(rooms);
      if (r == heroRoom) {
        // Never start next to a monster: they live in the other rooms.
        continue;
      }
      int x = roomX[r] + rng.nextInt(roomW[r]);
      int y = roomY[r] + rng.nextInt(roomH[r]);
      if (monsterAt[y * w + x] != 0) {
        continue;
      }
      int level = rng.nextInt(Math.min(depth, 8) + 1);
      int hitPoints = 0;
      for (int d = 0; d <= level; d++) {
        hitPoints += 1 + rng.nextInt(4);
      }
      addMonster(x, y, level, hitPoints);
    }
    noticeStairs();
  }

  private void addMonster(int x, int y, int level, int hitPoints) {
    mx[monsterCount] = x;
    my[monsterCount] = y;
    mlevel[monsterCount] = level;
    mhp[monsterCount] = hitPoints;
    monsterAt[y * w + x] = ++monsterCount;
  }

  /** Non-overlapping rooms (one cell of rock between any two), sorted by their left edge. */
  private void placeRooms() {
    rooms = 0;
    for (int t = 0; t < ROOM_TRIES && rooms < roomX.length; t++) {
      int rw = 3 + rng.nextInt(Math.min(8, w / 4));
      int rh = 2 + rng.nextInt(Math.min(4, h / 4));
      int x = 1 + rng.nextInt(w - rw - 1);
      int y = 1 + rng.nextInt(h - rh - 1);
      boolean clear = true;
      for (int r = 0; r < rooms && clear; r++) {
        clear =
            x + rw + 2 <= roomX[r]
                || roomX[r] + roomW[r] + 2 <= x
                || y + rh + 2 <= roomY[r]
                || roomY[r] + roomH[r] + 2 <= y;
      }
      if (!clear) {
        continue;
      }
      int at = rooms++;
      while (at > 0 && roomX[at - 1] > x) {
        roomX[at] = roomX[at - 1];
        roomY[at] = roomY[at - 1];
        roomW[at] = roomW[at - 1];
        roomH[at] = roomH[at - 1];
        at--;
      }
      roomX[at] = x;
      roomY[at] = y;
      roomW[at] = rw;
      roomH[at] = rh;
    }
  }

  /** An L-shaped corridor between random cells of rooms a and b, through rock only. */
  private void corridor(int a, int b) {
    int x0 = roomX[a] + rng.nextInt(roomW[a]);
    int y0 = roomY[a] + rng.nextInt(roomH[a]);
    int x1 = roomX[b] + rng.nextInt(roomW[b]);
    int y1 = roomY[b] + rng.nextInt(roomH[b]);
    if (rng.nextInt(2) == 0) {
      dig(x0, y0, x1, y0);
      dig(x1, y0, x1, y1);
    } else {
      dig(x0, y0, x0, y1);
      dig(x0, y1, x1, y1);
    }
  }

  private void dig(int x0, int y0, int x1, int y1) {
    int sx = Integer.signum(x1 - x0);
    int sy = Integer.signum(y1 - y0);
    int x = x0;
    int y = y0;
    while (true) {
      int c = y * w + x;
      if (terrain[c] == ROCK) {
        terrain[c] = CORRIDOR;
      }
      if (x == x1 && y == y1) {
        return;
      }
      x += sx;
      y += sy;
    }
  }

  /**
   * Replaces the level with an ASCII map, for tests of the rules: {@code ' '} rock, {@code '.'}
   * floor, {@code '#'} corridor, {@code '$'} 10 gold, {@code '>'} stairs, {@code '@'} the hero, a
   * digit a monster of that level with {@code monsterHp} hit points.
   */
  void load(int heroHp, int monsterHp, String... rows) {
    Arrays.fill(terrain, ROCK);
    Arrays.fill(gold, 0);
    Arrays.fill(monsterAt, 0);
    monsterCount = 0;
    hp = heroHp;
    stairsX = -100;
    stairsY = -100;
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < rows[y].length(); x++) {
        char ch = rows[y].charAt(x);
        int c = y * w + x;
        terrain[c] = ch == ' ' ? ROCK : ch == '#' ? CORRIDOR : FLOOR;
        if (ch == '$') {
          gold[c] = 10;
        } else if (ch == '>') {
          stairsX = x;
          stairsY = y;
        } else if (ch == '@') {
          px = x;
          py = y;
        } else if (Character.isDigit(ch)) {
          addMonster(x, y, ch - '0', monsterHp);
        }
      }
    }
    stairsSeen = false;
    noticeStairs();
  }

  /** Writes the generator, the level and the hero. */
  void writeState(DataOutputStream out) throws IOException {
    out.writeLong(rng.state());
    out.write(terrain);
    int piles = 0;
    for (int g : gold) {
      piles += g > 0 ? 1 : 0;
    }
    out.writeInt(piles);
    for (int c = 0; c < gold.length; c++) {
      if (gold[c] > 0) {
        out.writeInt(c);
        out.writeInt(gold[c]);
      }
    }
    out.writeInt(monsterCount);
    for (int m = 0; m < monsterCount; m++) {
      out.writeInt(mx[m]);
      out.writeInt(my[m]);
      out.writeInt(mhp[m]);
      out.writeInt(mlevel[m]);
    }
    for (int v : new int[] {px, py, hp, depth, goldTotal, xp, steps, stairsX, stairsY}) {
      out.writeInt(v);
    }
    out.writeBoolean(stairsSeen);
    out.writeDouble(lastReward);
  }

  /** Restores {@link #writeState}. */
  void readState(DataInputStream in) throws IOException {
    rng.setState(in.readLong());
    in.readFully(terrain);
    Arrays.fill(gold, 0);
    int piles = in.readInt();
    for (int k = 0; k < piles; k++) {
      int c = in.readInt();
      if (c < 0 || c >= gold.length) {
        throw new IOException("dungeon state: gold outside the map");
      }
      gold[c] = in.readInt();
    }
    int count = in.readInt();
    if (count < 0 || count > capacity) {
      throw new IOException("dungeon state: " + count + " monsters, room for " + capacity);
    }
    Arrays.fill(monsterAt, 0);
    monsterCount = count;
    for (int m = 0; m < count; m++) {
      mx[m] = in.readInt();
      my[m] = in.readInt();
      mhp[m] = in.readInt();
      mlevel[m] = in.readInt();
      if (mhp[m] > 0) {
        monsterAt[my[m] * w + mx[m]] = m + 1;
      }
    }
    px = in.readInt();
    py = in.readInt();
    hp = in.readInt();
    depth = in.readInt();
    goldTotal = in.readInt();
    xp = in.readInt();
    steps = in.readInt();
    stairsX = in.readInt();
    stairsY = in.readInt();
    stairsSeen = in.readBoolean();
    lastReward = in.readDouble();
  }

  /** The level as ASCII (the load format; monsters as their level), for logs and tests. */
  public String render() {
    StringBuilder b = new StringBuilder();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = y * w + x;
        char ch = terrain[c] == ROCK ? ' ' : terrain[c] == CORRIDOR ? '#' : gold[c] > 0 ? '$' : '.';
        if (x == stairsX && y == stairsY) {
          ch = '>';
        }
        if (monsterAt[c] > 0) {
          ch = (char) ('0' + Math.min(9, mlevel[monsterAt[c] - 1]));
        }
        if (x == px && y == py) {
          ch = '@';
        }
        b.append(ch);
      }
      b.append('\n');
    }
    return b.toString();
  }
}

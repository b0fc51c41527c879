package dev.ratchet.trainer.env.dungeon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ratchet.api.environment.DungeonOptions;
import dev.ratchet.trainer.env.PolicyEvaluation;
import dev.ratchet.trainer.env.StepOutcome;
import dev.ratchet.trainer.env.Trajectories;
import dev.ratchet.trainer.env.UniformRandomPolicy;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.rl.Rng;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dungeon's rules, determinism, observation, checkpoint state and random baseline. */
class DungeonTest {

  private static final DungeonOptions OPTIONS = DungeonOptions.defaults();
  private static final int N = 0;
  private static final int E = 2;
  private static final int W = 6;

  private static Dungeon dungeon() {
    return new Dungeon(OPTIONS, 500, new Rng(1));
  }

  @Test
  void sameSeedGivesTheSameGameAndAnotherSeedAnotherLayout() {
    VecDungeon a = new VecDungeon(4, 200, 7, OPTIONS);
    VecDungeon b = new VecDungeon(4, 200, 7, OPTIONS);
    VecDungeon c = new VecDungeon(4, 200, 8, OPTIONS);
    for (int i = 0; i < 4; i++) {
      assertThat(b.env(i).render()).isEqualTo(a.env(i).render());
      assertThat(c.env(i).render()).isNotEqualTo(a.env(i).render());
    }
    // The copies of one vector differ from each other too.
    assertThat(a.env(1).render()).isNotEqualTo(a.env(0).render());
    Trajectories.assertSame(a, b, new Rng(5), 1500);
  }

  @Test
  void pickingUpGoldAddsItsAmountToTheScore() {
    Dungeon d = dungeon();
    d.load(20, 1, "     ", " @$. ", "     ");
    assertThat(d.score()).isZero();
    assertThat(d.step(E)).isEqualTo(StepOutcome.RUNNING);
    assertThat(d.gold()).isEqualTo(10);
    assertThat(d.score()).isEqualTo(10);
    assertThat(d.lastReward()).isCloseTo(10 - Dungeon.STEP_COST, within(1e-9));
    // The pile is gone: walking back over the cell adds nothing.
    d.step(W);
    d.step(E);
    assertThat(d.score()).isEqualTo(10);
    assertThat(d.lastReward()).isCloseTo(-Dungeon.STEP_COST, within(1e-9));
  }

  @Test
  void rockBlocksMovesAndTheTurnIsSpent() {
    Dungeon d = dungeon();
    d.load(20, 1, "    ", " @# ", "    ");
    for (int action = 0; action < 8; action++) {
      if (action == E) {
        continue;
      }
      d.step(action);
      assertThat(d.heroX()).isEqualTo(1);
      assertThat(d.heroY()).isEqualTo(1);
    }
    assertThat(d.steps()).isEqualTo(7);
    d.step(E);
    assertThat(d.heroX()).isEqualTo(2);
    // The corridor ends in rock.
    d.step(E);
    assertThat(d.heroX()).isEqualTo(2);
  }

  @Test
  void descendingTheStairsAddsFiftyAndBuildsTheNextLevel() {
    Dungeon d = dungeon();
    d.load(20, 1, "     ", " @>. ", "     ");
    // Descending anywhere but on the stairs does nothing.
    d.step(Dungeon.DESCEND);
    assertThat(d.depth()).isEqualTo(1);
    assertThat(d.score()).isZero();
    d.step(E);
    String before = d.render();
    d.step(Dungeon.DESCEND);
    assertThat(d.depth()).isEqualTo(2);
    assertThat(d.score()).isEqualTo(Dungeon.DESCEND_SCORE);
    assertThat(d.lastReward()).isCloseTo(50 - Dungeon.STEP_COST, within(1e-9));
    assertThat(d.render()).isNotEqualTo(before).contains(">").contains("@");
  }

  @Test
  void killingAMonsterAddsFourTimesItsExperience() {
    Dungeon d = dungeon();
    // A level-2 monster with 1 HP: worth 1 + 2² = 5 experience, so 20 points.
    d.load(1000, 1, "     ", " @2  ", "     ");
    int steps = 0;
    while (d.experience() == 0 && steps++ < 100) {
      d.step(E);
    }
    assertThat(d.experience()).isEqualTo(5);
    assertThat(d.score()).isEqualTo(20);
    assertThat(d.render()).doesNotContain("2");
    // Its cell is free now: the hero can step onto it.
    d.step(E);
    assertThat(d.heroX()).isEqualTo(2);
    assertThat(d.hitPoints()).isLessThanOrEqualTo(1000);

    Dungeon newt = dungeon();
    newt.load(1000, 1, "     ", " @0  ", "     ");
    for (int i = 0; i < 100 && newt.experience() == 0; i++) {
      newt.step(E);
    }
    assertThat(newt.score()).isEqualTo(Dungeon.XP_SCORE);
  }

  @Test
  void deathEndsTheEpisodeAndTheVectorStartsANewGame() {
    VecDungeon v = new VecDungeon(1, 500, 3, OPTIONS);
    v.env(0).load(2, 1000, "      ", " @3.$ ", "      ");
    int[] wait = {Dungeon.WAIT};
    float[] rewards = new float[1];
    boolean[] dones = new boolean[1];
    List<VecEnv.Episode> ended = List.of();
    int steps = 0;
    while (ended.isEmpty() && steps++ < 200) {
      ended = v.step(wait, rewards, dones);
    }
    assertThat(dones[0]).isTrue();
    assertThat(ended).hasSize(1);
    assertThat(ended.get(0).score()).isZero();
    assertThat(ended.get(0).length()).isEqualTo(steps);
    assertThat(ended.get(0).length()).isLessThan(500);
    // A fresh game: full hit points, level 1, nothing collected.
    assertThat(v.env(0).hitPoints()).isEqualTo(OPTIONS.hitPoints());
    assertThat(v.env(0).depth()).isEqualTo(1);
    assertThat(v.env(0).steps()).isZero();
  }

  @Test
  void monstersChaseTheHeroAndSlowOnesActEveryOtherTurn() {
    Dungeon d = dungeon();
    d.load(1000, 1000, "         ", " @.....1 ", "         ");
    d.step(Dungeon.WAIT);
    assertThat(row(d, 1)).isEqualTo(" @....1. ");
    d.step(Dungeon.WAIT);
    d.step(Dungeon.WAIT);
    d.step(Dungeon.WAIT);
    assertThat(row(d, 1)).isEqualTo(" @.1.... ");
    // Adjacent now: it attacks instead of moving.
    for (int i = 0; i < 5; i++) {
      d.step(Dungeon.WAIT);
    }
    assertThat(row(d, 1)).isEqualTo(" @1..... ");
    assertThat(d.hitPoints()).isLessThan(1000);
    Dungeon slow = dungeon();
    slow.load(1000, 1000, "         ", " @.....0 ", "         ");
    for (int i = 0; i < 4; i++) {
      slow.step(Dungeon.WAIT);
    }
    assertThat(row(slow, 1)).isEqualTo(" @...0.. ");
  }

  @Test
  void theObservationIsTheGlyphWindowAroundTheHeroThenTheScalars() {
    Dungeon d = dungeon();
    d.load(20, 1, "       ", " .$.   ", " .@>   ", " 1.#   ", "       ");
    int v = OPTIONS.view();
    int plane = v * v;
    float[] obs = new float[Dungeon.obsDim(OPTIONS)];
    d.observe(obs, 0);
    int c = v / 2;
    // Channels: 0 blocked, 1 floor, 2 corridor, 3 gold, 4 monster, 5 stairs.
    assertThat(obs[1 * plane + c * v + c]).isEqualTo(1f);
    assertThat(obs[3 * plane + (c - 1) * v + c]).isEqualTo(1f);
    assertThat(obs[5 * plane + c * v + c + 1]).isEqualTo(1f);
    assertThat(obs[4 * plane + (c + 1) * v + c - 1]).isEqualTo(1f);
    assertThat(obs[2 * plane + (c + 1) * v + c + 1]).isEqualTo(1f);
    assertThat(obs[c * v + c - 2]).isEqualTo(1f);
    // The hero is at (2, 2), so the window's top-left corner is outside the map: blocked.
    assertThat(obs[0]).isEqualTo(1f);
    for (int cell = 0; cell < plane; cell++) {
      float terrain = obs[cell] + obs[plane + cell] + obs[2 * plane + cell];
      assertThat(terrain).as("one terrain channel per cell").isEqualTo(1f);
    }
    int s = Dungeon.CHANNELS * plane;
    assertThat(obs[s]).isEqualTo(1f);
    assertThat(obs[s + 1]).isEqualTo(0.1f);
    assertThat(obs[s + 3]).as("stairs seen").isEqualTo(1f);
    assertThat(obs[s + 4]).isEqualTo(1f / OPTIONS.width());
    assertThat(obs[s + 5]).isZero();
  }

  @Test
  void aRestoredStateContinuesExactly() throws IOException {
    VecDungeon a = new VecDungeon(3, 150, 11, OPTIONS);
    Rng actions = new Rng(2);
    stepRandomly(a, actions, 400);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(buf));
    VecDungeon b = new VecDungeon(3, 150, 999, OPTIONS);
    b.readState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
    Trajectories.assertSame(a, b, actions, 600);
  }

  @Test
  void randomAndGreedyBaselines() {
    PolicyEvaluation.Result r =
        PolicyEvaluation.run(
            new VecDungeon(8, 200, 3, OPTIONS), new UniformRandomPolicy(10, 4), 1000);
    System.out.printf(
        "dungeon random policy (200-step episodes, defaults): mean score %.1f (sd %.1f), "
            + "mean length %.0f, %.0f env steps/s%n",
        r.meanScore(), r.stdScore(), r.meanLength(), r.stepsPerSecond());
    assertThat(r.meanScore()).isBetween(40.0, 80.0);
    // Some random games die to monsters before the step limit.
    assertThat(r.meanLength()).isBetween(150.0, 195.0);
    PolicyEvaluation.Result g =
        PolicyEvaluation.run(
            new VecDungeon(8, 200, 3, OPTIONS), new GreedyBaseline(OPTIONS, 4), 1000);
    System.out.printf(
        "dungeon greedy policy: mean score %.1f (sd %.1f), mean length %.0f%n",
        g.meanScore(), g.stdScore(), g.meanLength());
    assertThat(g.meanScore()).isGreaterThan(4 * r.meanScore());
    // success is going down the stairs: the greedy policy takes them when it stands on them
    System.out.printf(
        "dungeon success (went down at least once): random %.1f%%, greedy %.1f%%%n",
        100 * r.successRate(), 100 * g.successRate());
    assertThat(g.successRate()).isGreaterThan(r.successRate() + 0.2);
  }

  private static String row(Dungeon d, int y) {
    return d.render().lines().toList().get(y).substring(0, 9);
  }

  private static void stepRandomly(VecEnv env, Rng rng, int steps) {
    int n = env.numEnvs();
    int[] actions = new int[n];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        actions[i] = rng.nextInt(env.actions());
      }
      env.step(actions, new float[n], new boolean[n]);
    }
  }
}

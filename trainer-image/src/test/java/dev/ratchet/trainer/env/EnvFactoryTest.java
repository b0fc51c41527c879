package dev.ratchet.trainer.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.VecIntercept;
import org.junit.jupiter.api.Test;

/** Environment selection from the spec, and the checks of {@code environment.options}. */
class EnvFactoryTest {

  private static EnvironmentSpec spec(EnvironmentName name) {
    EnvironmentSpec s = new EnvironmentSpec();
    s.name = name;
    s.numEnvs = 3;
    s.maxStepsPerEpisode = 100;
    s.seed = 1;
    return s;
  }

  @Test
  void eachNameBuildsItsEnvironmentWithItsSizes() {
    VecEnv cartpole = EnvFactory.create(spec(EnvironmentName.CARTPOLE));
    assertThat(cartpole).isInstanceOf(VecCartPole.class);
    assertThat(cartpole.obsDim()).isEqualTo(4);
    assertThat(cartpole.actions()).isEqualTo(2);

    VecEnv dungeon = EnvFactory.create(spec(EnvironmentName.DUNGEON));
    assertThat(dungeon).isInstanceOf(VecDungeon.class);
    // 6 glyph channels over the default 7×7 window, then 7 scalars.
    assertThat(dungeon.obsDim()).isEqualTo(6 * 49 + 7);
    assertThat(dungeon.actions()).isEqualTo(10);
    assertThat(dungeon.numEnvs()).isEqualTo(3);

    VecEnv intercept = EnvFactory.create(spec(EnvironmentName.INTERCEPT));
    assertThat(intercept).isInstanceOf(VecIntercept.class);
    assertThat(intercept.obsDim()).isEqualTo(9);
    assertThat(intercept.actions()).isEqualTo(10);
  }

  @Test
  void optionsReachTheEnvironment() {
    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("view", IntNode.valueOf(9));
    d.options.put("goldPiles", TextNode.valueOf("3"));
    assertThat(EnvFactory.create(d).obsDim()).isEqualTo(6 * 81 + 7);
    assertThat(EnvFactory.dungeonOptions(d).goldPiles()).isEqualTo(3);

    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    // The spec's options are a string map: "200" and 200 mean the same.
    i.options.put("interceptRadius", TextNode.valueOf("200"));
    i.options.put("windMax", DoubleNode.valueOf(2.5));
    assertThat(EnvFactory.interceptOptions(i).interceptRadius()).isEqualTo(200.0);
    assertThat(EnvFactory.interceptOptions(i).windMax()).isEqualTo(2.5);
    assertThat(EnvFactory.interceptOptions(spec(EnvironmentName.INTERCEPT)).interceptRadius())
        .isEqualTo(150.0);
  }

  @Test
  void anUnknownOptionIsNamedWithTheAllowedKeys() {
    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("goldpiles", IntNode.valueOf(3));
    assertThatThrownBy(() -> EnvFactory.check(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "environment.options.goldpiles is not an option of dungeon (allowed: goldPiles,"
                + " height, hitPoints, maxRooms, monsters, regenEvery, view, width)");

    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    i.options.put("radius", IntNode.valueOf(100));
    assertThatThrownBy(() -> EnvFactory.create(i))
        .hasMessageStartingWith("environment.options.radius is not an option of intercept")
        .hasMessageContaining("interceptRadius");

    EnvironmentSpec c = spec(EnvironmentName.CARTPOLE);
    c.options.put("gravity", IntNode.valueOf(3));
    assertThatThrownBy(() -> EnvFactory.check(c))
        .hasMessage(
            "environment.options.gravity is not an option of cartpole (allowed:"
                + " nanObservationsFromEpisode)");
  }

  @Test
  void badValuesAreNamed() {
    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    i.options.put("interceptRadius", TextNode.valueOf("wide"));
    assertThatThrownBy(() -> EnvFactory.check(i))
        .hasMessage(
            "environment.options.interceptRadius (intercept) must be a number, got \"wide\"");
    i.options.put("interceptRadius", IntNode.valueOf(-5));
    assertThatThrownBy(() -> EnvFactory.check(i))
        .hasMessage(
            "environment.options.interceptRadius (intercept) must be between 1 and 2000, got -5");
    i.options.put("interceptRadius", BooleanNode.TRUE);
    assertThatThrownBy(() -> EnvFactory.check(i)).hasMessageContaining("must be a number");

    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("view", IntNode.valueOf(8));
    assertThatThrownBy(() -> EnvFactory.check(d))
        .hasMessage("environment.options.view (dungeon) must be odd, got 8");
    d.options.put("view", DoubleNode.valueOf(7.5));
    assertThatThrownBy(() -> EnvFactory.check(d))
        .hasMessage("environment.options.view (dungeon) must be a whole number, got 7.5");

    EnvironmentSpec zero = spec(EnvironmentName.DUNGEON);
    zero.numEnvs = 0;
    assertThatThrownBy(() -> EnvFactory.check(zero))
        .hasMessage("environment.numEnvs must be at least 1");
  }

  @Test
  void theCartPoleFaultDrillOptionTurnsObservationsNanAfterItsEpisode() {
    EnvironmentSpec c = spec(EnvironmentName.CARTPOLE);
    c.options.put(EnvFactory.NAN_FROM_EPISODE, IntNode.valueOf(3));
    VecEnv env = EnvFactory.create(c);
    float[] obs = new float[env.numEnvs() * env.obsDim()];
    int[] actions = new int[env.numEnvs()];
    float[] rewards = new float[env.numEnvs()];
    boolean[] dones = new boolean[env.numEnvs()];
    int episodes = 0;
    while (episodes < 3) {
      env.observe(obs);
      assertThat(obs).doesNotContain(Float.NaN);
      episodes += env.step(actions, rewards, dones).size();
    }
    env.observe(obs);
    for (float x : obs) {
      assertThat(Float.isNaN(x)).isTrue();
    }
  }
}

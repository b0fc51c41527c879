package dev.ratchet.trainer.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.VecIntercept;
import org.junit.jupiter.api.Test;

/** Environment selection from the spec, with its options. */
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
  }

  @Test
  void anEnvironmentIsNotBuiltWithAnOptionItDoesNotKnow() {
    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    i.options.put("radius", IntNode.valueOf(100));
    assertThatThrownBy(() -> EnvFactory.create(i))
        .hasMessageStartingWith("environment.options.radius is not an option of intercept");
  }

  @Test
  void theCartPoleFaultDrillOptionTurnsObservationsNanAfterItsEpisode() {
    EnvironmentSpec c = spec(EnvironmentName.CARTPOLE);
    c.options.put(EnvironmentChecks.NAN_FROM_EPISODE, IntNode.valueOf(3));
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

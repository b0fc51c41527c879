package dev.ratchet.trainer.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CartPole episode succeeds when the pole is still up at the step limit: an episode cut off
 * there, not one whose pole falls on its last step.
 */
class CartPoleSuccessTest {

  private static final int STEP_LIMIT = 100;

  /** Pushes the cart towards where the pole leans (and is falling): it balances for long. */
  private static final ActionPolicy LEAN =
      (obs, dim, actions) -> {
        for (int i = 0; i < actions.length; i++) {
          actions[i] = obs[i * dim + 2] + 0.5f * obs[i * dim + 3] > 0 ? 1 : 0;
        }
      };

  @Test
  void anEpisodeSucceedsOnlyWhenItLastsToTheStepLimit() {
    List<VecEnv.Episode> balanced = play(LEAN, 200);
    List<VecEnv.Episode> random = play(new UniformRandomPolicy(2, 5), 200);

    assertThat(balanced)
        .filteredOn(VecEnv.Episode::success)
        .allSatisfy(e -> assertThat(e.length()).isEqualTo(STEP_LIMIT));
    assertThat(balanced)
        .filteredOn(e -> e.length() < STEP_LIMIT)
        .allSatisfy(e -> assertThat(e.success()).isFalse());
    assertThat(balanced.stream().filter(VecEnv.Episode::success).count())
        .as("the leaning policy balances")
        .isGreaterThan(180);
    assertThat(random.stream().filter(VecEnv.Episode::success).count())
        .as("a random policy drops the pole")
        .isZero();
    assertThat(PolicyEvaluation.run(new VecCartPole(4, STEP_LIMIT, 3), LEAN, 200).successRate())
        .isGreaterThan(0.9);
  }

  private static List<VecEnv.Episode> play(ActionPolicy policy, int episodes) {
    VecCartPole env = new VecCartPole(4, STEP_LIMIT, 11);
    float[] obs = new float[env.numEnvs() * env.obsDim()];
    int[] actions = new int[env.numEnvs()];
    List<VecEnv.Episode> ended = new ArrayList<>();
    while (ended.size() < episodes) {
      env.observe(obs);
      policy.act(obs, env.obsDim(), actions);
      ended.addAll(env.step(actions, new float[env.numEnvs()], new boolean[env.numEnvs()]));
    }
    return ended;
  }
}

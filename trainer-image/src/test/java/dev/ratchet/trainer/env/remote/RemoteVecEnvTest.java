package dev.ratchet.trainer.env.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.trainer.env.VecEnv;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trainer's side of the bridge against the repository's Python server: Gymnasium's own CartPole
 * steps through it, and each way it can go wrong is one line naming what and where.
 */
class RemoteVecEnvTest {

  private static final Duration SHORT = Duration.ofSeconds(5);

  private static RemoteVecEnv connect(PythonEnvServer server, int numEnvs) {
    return RemoteVecEnv.connect("127.0.0.1", server.port(), numEnvs, 7, SHORT, SHORT);
  }

  @Test
  void aConnectionClosedUnderACallIsTheServerGoneWhicheverWayTheTransportReportsIt() {
    StatusRuntimeException reset =
        new StatusRuntimeException(
            Status.UNAVAILABLE
                .withDescription("io exception")
                .withCause(new IOException("Connection reset by peer")));
    StatusRuntimeException closed =
        new StatusRuntimeException(
            Status.UNKNOWN
                .withDescription("channel closed")
                .withCause(new ClosedChannelException()));
    StatusRuntimeException sent =
        new StatusRuntimeException(
            Status.UNKNOWN.withDescription("Exception calling application: boom"));

    assertThat(RemoteVecEnv.translate(reset, "127.0.0.1:1", "step"))
        .isInstanceOf(EnvironmentUnavailableException.class)
        .hasMessage(
            "the environment server at 127.0.0.1:1 went away during a step (io exception): did"
                + " it crash?");
    assertThat(RemoteVecEnv.translate(closed, "127.0.0.1:1", "step"))
        .isInstanceOf(EnvironmentUnavailableException.class)
        .hasMessage(
            "the environment server at 127.0.0.1:1 went away during a step (channel closed): did"
                + " it crash?");
    // what the server itself answers is no lost connection
    assertThat(RemoteVecEnv.translate(sent, "127.0.0.1:1", "step"))
        .isInstanceOf(EnvironmentUnavailableException.class)
        .hasMessage(
            "the environment server at 127.0.0.1:1 failed a step: Exception calling application:"
                + " boom");
  }

  @Test
  void gymnasiumCartPoleStepsThroughTheBridgeWithEpisodesAndAutoReset() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 4);
        var env = closing(connect(server, 4))) {
      RemoteVecEnv e = env.get();
      assertThat(List.of(e.numEnvs(), e.obsDim(), e.actions())).containsExactly(4, 4, 2);
      assertThat(e.environment()).isEqualTo("gymnasium:CartPole-v1");
      float[] obs = new float[16];
      e.observe(obs);
      for (float x : obs) {
        assertThat(Math.abs(x)).isLessThanOrEqualTo(0.05f); // CartPole starts within ±0.05
      }
      float[] rewards = new float[4];
      boolean[] dones = new boolean[4];
      List<VecEnv.Episode> episodes = new ArrayList<>();
      for (int t = 0; t < 200; t++) {
        episodes.addAll(e.step(new int[] {0, 1, t % 2, 0}, rewards, dones));
        assertThat(rewards).containsOnly(1f);
      }
      // always pushing one way topples the pole in a few dozen steps
      assertThat(episodes).isNotEmpty();
      assertThat(episodes)
          .allSatisfy(
              ep -> {
                assertThat(ep.score()).isEqualTo(ep.length()).isEqualTo(ep.totalReward());
                assertThat(ep.success()).isFalse(); // CartPole-v1 reports none by default
              });
    }
  }

  @ParameterizedTest
  @CsvSource({"gymnasium:Acrobot-v1, 6, 3", "gymnasium:MountainCar-v0, 2, 3"})
  void theOtherClassicControlEnvironmentsWithDiscreteActionsStepTheSameWay(
      String target, int obsDim, int actions) throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start(target, 2);
        var env = closing(connect(server, 2))) {
      RemoteVecEnv e = env.get();
      assertThat(List.of(e.obsDim(), e.actions())).containsExactly(obsDim, actions);
      float[] rewards = new float[2];
      List<VecEnv.Episode> episodes = new ArrayList<>();
      // both cut their episodes off at 500 and 200 steps at the latest
      for (int t = 0; t < 501; t++) {
        episodes.addAll(e.step(new int[] {t % actions, 0}, rewards, new boolean[2]));
        for (float r : rewards) {
          assertThat(r).isIn(-1f, 0f); // both pay -1 a step until the goal
        }
      }
      assertThat(episodes).isNotEmpty().allSatisfy(ep -> assertThat(ep.length()).isPositive());
    }
  }

  @Test
  void theSameSeedGivesTheSameObservationsAndAResumeStartsNewEpisodes() throws Exception {
    try (PythonEnvServer a = PythonEnvServer.start("gymnasium:CartPole-v1", 2);
        PythonEnvServer b = PythonEnvServer.start("gymnasium:CartPole-v1", 2);
        var ea = closing(connect(a, 2));
        var eb = closing(connect(b, 2))) {
      float[] first = new float[8];
      float[] second = new float[8];
      ea.get().observe(first);
      eb.get().observe(second);
      assertThat(second).containsExactly(first);

      ByteArrayOutputStream state = new ByteArrayOutputStream();
      ea.get().writeState(new DataOutputStream(state));
      eb.get().readState(new DataInputStream(new ByteArrayInputStream(state.toByteArray())));
      eb.get().afterRestore(second);
      assertThat(second).isNotEqualTo(first); // new seeds: not the episodes already played
    }
  }

  @Test
  void imageObservationsAreRefusedNamingWhatWasExpectedAndWhatCame() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("tests.fixtures:ImageObservations", 2)) {
      assertThatThrownBy(() -> connect(server, 2))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessage(
              "the environment server at 127.0.0.1:"
                  + server.port()
                  + " cannot be trained: observations must be a Box with one dimension (a flat"
                  + " vector of floats), tests.fixtures:ImageObservations has Box of shape [84, 84,"
                  + " 3] uint8 (flatten them in the server, e.g."
                  + " gymnasium.wrappers.FlattenObservation)");
    }
  }

  @Test
  void continuousActionsAreRefusedNamingTheirSpace() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:Pendulum-v1", 2)) {
      assertThatThrownBy(() -> connect(server, 2))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessageContaining(
              "cannot be trained: actions must be Discrete, gymnasium:Pendulum-v1 has Box of shape"
                  + " [1] float32");
    }
  }

  @Test
  void aServerWithOtherCopiesThanTheSpecIsRefused() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:Acrobot-v1", 3)) {
      assertThatThrownBy(() -> connect(server, 8))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessage(
              "environment.numEnvs is 8 but the environment server at 127.0.0.1:"
                  + server.port()
                  + " runs 3 copies: start it with as many (ratchet-env-serve reads"
                  + " RATCHET_ENV_NUM_ENVS)");
    }
  }

  @Test
  void noServerAtStartIsWaitedForThenNamed() throws Exception {
    int port = PythonEnvServer.freePort();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> RemoteVecEnv.connect("127.0.0.1", port, 2, 7, Duration.ofSeconds(2), SHORT))
        .isInstanceOf(EnvironmentUnavailableException.class)
        .hasMessageStartingWith(
            "no environment server answered at 127.0.0.1:"
                + port
                + " within 2 s (environment.external.startupTimeoutSeconds), last:")
        .hasMessageEndingWith(
            "; check that its command starts and listens on that port (see its log)");
    assertThat((System.nanoTime() - t0) / 1e9).isBetween(1.9, 6.0);
  }

  @Test
  void aServerThatDiesMidRunIsNamedAsGone() throws Exception {
    try (PythonEnvServer server =
            PythonEnvServer.start(
                "tests.fixtures:CrashAfter", 2, "--env-kwargs", "{\"steps\": 20}");
        var env = closing(connect(server, 2))) {
      assertThatThrownBy(
              () -> {
                for (int t = 0; t < 100; t++) {
                  env.get().step(new int[] {0, 1}, new float[2], new boolean[2]);
                }
              })
          .isInstanceOf(EnvironmentUnavailableException.class)
          .hasMessageStartingWith(
              "the environment server at 127.0.0.1:" + server.port() + " went away during a step")
          .hasMessageEndingWith("did it crash?");
    }
  }

  @Test
  void aStepSlowerThanTheTimeoutIsNamedAsStuck() throws Exception {
    try (PythonEnvServer server =
            PythonEnvServer.start(
                "tests.fixtures:SlowStep", 1, "--env-kwargs", "{\"steps\": 3, \"seconds\": 10}");
        var env =
            closing(
                RemoteVecEnv.connect(
                    "127.0.0.1", server.port(), 1, 7, SHORT, Duration.ofSeconds(1)))) {
      for (int t = 0; t < 3; t++) {
        env.get().step(new int[] {0}, new float[1], new boolean[1]);
      }
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> env.get().step(new int[] {0}, new float[1], new boolean[1]))
          .isInstanceOf(EnvironmentUnavailableException.class)
          .hasMessage(
              "the environment server at 127.0.0.1:"
                  + server.port()
                  + " did not answer a step in time (environment.external.stepTimeoutSeconds): it"
                  + " is stuck or too slow");
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
    }
  }

  @Test
  void theEnvironmentsOwnExceptionReachesTheTrainerInOneLine() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 1);
        var env = closing(connect(server, 1))) {
      // an action CartPole has not: the server refuses the call, naming it
      assertThatThrownBy(() -> env.get().step(new int[] {5}, new float[1], new boolean[1]))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessage(
              "the environment server at 127.0.0.1:"
                  + server.port()
                  + " refused a step: action 5 of copy 0 is outside 0..1");
    }
  }

  @Test
  void anEvaluationGroupStepsCopiesOfItsOwnAndLeavesTheTrainingCopiesAsTheyWere() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 4)) {
      float[][] alone;
      try (var training = closing(connect(server, 4))) {
        alone = play(training.get(), 60, null);
      }
      // a new connection resets the training copies with the same seeds: the same episodes, now
      // with three evaluation copies stepped between every two training steps
      try (var training = closing(connect(server, 4));
          var evaluation = closing(group(server, 3, 11))) {
        assertThat(evaluation.get().numEnvs()).isEqualTo(3);
        assertThat(play(training.get(), 60, evaluation.get())).isDeepEqualTo(alone);
      }
    }
  }

  @Test
  void anEvaluationGroupWithTheSameSeedPlaysTheSameEpisodesEveryTime() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 2)) {
      float[][] first;
      float[][] again;
      float[][] other;
      // 120 steps of a fixed policy cross episode ends: the auto-resets replay too
      try (var g = closing(group(server, 3, 11))) {
        first = play(g.get(), 120, null);
      }
      try (var g = closing(group(server, 3, 11))) {
        again = play(g.get(), 120, null);
      }
      try (var g = closing(group(server, 3, 12))) {
        other = play(g.get(), 120, null);
      }
      assertThat(again).isDeepEqualTo(first);
      assertThat(other).isNotEqualTo(first);
    }
  }

  @Test
  void aServerThatDoesNotAdvertiseGroupsIsRefusedForEvaluationInOneLine() throws Exception {
    try (PythonEnvServer server =
        PythonEnvServer.start("tests.fixtures:cartpole_without_groups", 2)) {
      String reason =
          "spec.evaluation needs an environment server that runs evaluation copies of its own"
              + " (DescribeResponse.supports_groups, docs/environment-protocol.md), and the server"
              + " at 127.0.0.1:"
              + server.port()
              + " (tests.fixtures:cartpole_without_groups) does not: update it (ratchet-env-serve"
              + " does) or remove spec.evaluation";
      assertThatThrownBy(() -> group(server, 2, 11))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessage(reason);
      assertThatThrownBy(
              () -> RemoteVecEnv.connect("127.0.0.1", server.port(), 2, 7, true, SHORT, SHORT))
          .isInstanceOf(EnvironmentMismatchException.class)
          .hasMessage(reason);
      // it still trains a run without evaluation
      try (var training = closing(connect(server, 2))) {
        assertThat(play(training.get(), 5, null)).hasNumberOfRows(6);
      }
    }
  }

  private static RemoteVecEnv group(PythonEnvServer server, int copies, long seed) {
    return RemoteVecEnv.connectGroup(
        "127.0.0.1", server.port(), RemoteVecEnv.EVALUATION_GROUP, copies, seed, SHORT, SHORT);
  }

  /**
   * The observations of {@code steps} steps of a fixed policy on {@code env} (and its first), each
   * step followed by one of {@code between} when given.
   */
  private static float[][] play(VecEnv env, int steps, VecEnv between) {
    float[][] seen = new float[steps + 1][env.numEnvs() * env.obsDim()];
    env.observe(seen[0]);
    int[] actions = new int[env.numEnvs()];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < actions.length; i++) {
        actions[i] = (t / 3 + i) % 2;
      }
      env.step(actions, new float[env.numEnvs()], new boolean[env.numEnvs()]);
      env.observe(seen[t + 1]);
      if (between != null) {
        between.step(
            new int[between.numEnvs()],
            new float[between.numEnvs()],
            new boolean[between.numEnvs()]);
      }
    }
    return seen;
  }

  /** try-with-resources for an environment (VecEnv#close throws nothing). */
  private static Closing closing(RemoteVecEnv env) {
    return new Closing(env);
  }

  private record Closing(RemoteVecEnv get) implements AutoCloseable {
    @Override
    public void close() {
      get.close();
    }
  }
}

package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.trainer.env.EnvFactory;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.env.remote.PythonEnvServer;
import dev.ratchet.trainer.env.remote.RemoteVecEnv;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint evaluation plays greedy episodes on environments of its own: the same parameters and
 * seed give the same figures, training is not disturbed by it, and a solved CartPole policy acting
 * greedily balances to the step limit in every evaluation episode. The same holds through the
 * bridge to an external environment (Gymnasium's own CartPole-v1 served by envs/python), whose
 * evaluation copies are a group of the server's own.
 */
class EvaluationTest {

  private static final long SEED = 42;

  @Test
  void theSameParametersEvaluatedTwiceGiveIdenticalFigures() {
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(8, 500, SEED), Settings.mlp64(), SEED, m)) {
      trainUpdates(agent, quickstartPpo(), 15);
      for (boolean deterministic : new boolean[] {true, false}) {
        EvaluationResult first = agent.evaluate(evalEnv(8, 7), 12, deterministic, 7);
        EvaluationResult second = agent.evaluate(evalEnv(8, 7), 12, deterministic, 7);
        assertThat(second.withoutSeconds()).isEqualTo(first.withoutSeconds());
        assertThat(first.episodes()).isEqualTo(12);
      }
      // a different seed is a different set of episodes
      assertThat(agent.evaluate(evalEnv(8, 8), 12, true, 8).scoreMean())
          .isNotEqualTo(agent.evaluate(evalEnv(8, 7), 12, true, 7).scoreMean());
    }
  }

  @Test
  void evaluatingBetweenUpdatesLeavesTrainingExactlyAsWithout() throws IOException {
    byte[] plain;
    byte[] evaluated;
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecCartPole(4, 500, SEED), PolicySettings.lstm64(), SEED, m)) {
      trainUpdates(agent, quickstartPpo(), 6);
      plain = state(agent);
    }
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecCartPole(4, 500, SEED), PolicySettings.lstm64(), SEED, m)) {
      for (int i = 0; i < 6; i++) {
        agent.collect(quickstartPpo());
        agent.update(quickstartPpo(), 1e-3, 0.2);
        agent.evaluate(evalEnv(3, 11), 5, i % 2 == 0, 11);
      }
      evaluated = state(agent);
    }
    assertThat(Arrays.equals(evaluated, plain)).as("agent state after 6 updates").isTrue();
  }

  @Test
  void aSolvedCartPolePolicyActingGreedilyReachesTheStepLimitInEveryEpisode() {
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(new VecCartPole(8, 500, SEED), Settings.mlp64(), SEED, m)) {
      PpoSpec ppo = quickstartPpo();
      Deque<Double> last = new ArrayDeque<>();
      // the quickstart's settings: the training window passes 475 within about 800 episodes
      while (mean(last) <= 475 && agent.episodes() < 3000) {
        for (VecEnv.Episode e : agent.collect(ppo)) {
          last.addLast(e.score());
          if (last.size() > 20) {
            last.removeFirst();
          }
        }
        agent.update(ppo, ppo.learningRate, ppo.clipRange);
      }
      assertThat(mean(last))
          .as("training window at episode " + agent.episodes())
          .isGreaterThan(475);

      EvaluationResult greedy = agent.evaluate(evalEnv(8, 1234), 16, true, 1234);
      System.out.printf(
          "solved at episode %d (window %.1f): greedy %.1f ± %.1f, success %.0f %% in %.2f s%n",
          agent.episodes(),
          mean(last),
          greedy.scoreMean(),
          greedy.scoreStd(),
          100 * greedy.successRate(),
          greedy.seconds());
      assertThat(greedy.episodes()).isEqualTo(16);
      assertThat(greedy.scoreMean()).isEqualTo(500.0);
      assertThat(greedy.successRate()).isEqualTo(1.0);
      assertThat(greedy.lengthMean()).isEqualTo(500.0);
    }
  }

  @Test
  void throughTheBridgeTheSameParametersEvaluatedTwiceGiveIdenticalFigures() throws Exception {
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 4);
        NDManager m = NDManager.newBaseManager();
        PpoAgent agent = new PpoAgent(training(server, 4), Settings.mlp64(), SEED, m)) {
      trainUpdates(agent, quickstartPpo(), 5);
      for (boolean deterministic : new boolean[] {true, false}) {
        EvaluationResult first = evaluateExternal(agent, server, 4, 12, deterministic, 7);
        EvaluationResult second = evaluateExternal(agent, server, 4, 12, deterministic, 7);
        assertThat(second.withoutSeconds()).isEqualTo(first.withoutSeconds());
        assertThat(first.episodes()).isEqualTo(12);
      }
      assertThat(evaluateExternal(agent, server, 4, 12, true, 8).scoreMean())
          .isNotEqualTo(evaluateExternal(agent, server, 4, 12, true, 7).scoreMean());
    }
  }

  @Test
  void throughTheBridgeEvaluatingBetweenUpdatesLeavesTrainingExactlyAsWithout() throws Exception {
    byte[] plain;
    byte[] evaluated;
    try (PythonEnvServer server = PythonEnvServer.start("gymnasium:CartPole-v1", 4)) {
      // a new connection resets the training copies with the run's seeds: the same episodes again
      try (NDManager m = NDManager.newBaseManager();
          PpoAgent agent = new PpoAgent(training(server, 4), PolicySettings.lstm64(), SEED, m)) {
        trainUpdates(agent, quickstartPpo(), 4);
        plain = state(agent);
      }
      try (NDManager m = NDManager.newBaseManager();
          PpoAgent agent = new PpoAgent(training(server, 4), PolicySettings.lstm64(), SEED, m)) {
        for (int i = 0; i < 4; i++) {
          agent.collect(quickstartPpo());
          agent.update(quickstartPpo(), 1e-3, 0.2);
          evaluateExternal(agent, server, 3, 5, i % 2 == 0, 11);
        }
        evaluated = state(agent);
      }
    }
    assertThat(Arrays.equals(evaluated, plain)).as("agent state after 4 updates").isTrue();
  }

  /** The run's training copies on the server, reset with the run's seed. */
  private static RemoteVecEnv training(PythonEnvServer server, int copies) {
    Duration timeout = Duration.ofSeconds(10);
    return RemoteVecEnv.connect("127.0.0.1", server.port(), copies, SEED, timeout, timeout);
  }

  /** Evaluates as the trainer does: on a fresh evaluation group of the server, closed after. */
  private static EvaluationResult evaluateExternal(
      PpoAgent agent,
      PythonEnvServer server,
      int copies,
      int episodes,
      boolean deterministic,
      long seed) {
    EnvironmentSpec spec = new EnvironmentSpec();
    spec.name = EnvironmentName.EXTERNAL;
    spec.numEnvs = 4;
    spec.external = new ExternalEnvironmentSpec();
    spec.external.command = List.of("ratchet-env-serve", "gymnasium:CartPole-v1");
    spec.external.port = server.port();
    VecEnv env = EnvFactory.forEvaluation(spec, copies, seed);
    try {
      assertThat(env).isInstanceOf(RemoteVecEnv.class);
      return agent.evaluate(env, episodes, deterministic, seed);
    } finally {
      env.close();
    }
  }

  /** A fresh evaluation environment, seeded as the trainer seeds it: with the evaluation seed. */
  private static VecEnv evalEnv(int copies, long seed) {
    EnvironmentSpec spec = new EnvironmentSpec();
    spec.name = EnvironmentName.CARTPOLE;
    spec.maxStepsPerEpisode = 500;
    return EnvFactory.forEvaluation(spec, copies, seed);
  }

  private static PpoSpec quickstartPpo() {
    PpoSpec p = new PpoSpec();
    p.learningRate = 1e-3;
    p.rolloutSteps = 128;
    p.minibatches = 4;
    p.epochs = 4;
    p.entropyCoef = 0.0;
    return p;
  }

  private static void trainUpdates(PpoAgent agent, PpoSpec ppo, int updates) {
    for (int i = 0; i < updates; i++) {
      agent.collect(ppo);
      agent.update(ppo, ppo.learningRate, ppo.clipRange);
    }
  }

  private static byte[] state(PpoAgent agent) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      agent.writeParameters(out);
      agent.writeOptimizer(out);
      agent.writeState(out);
    }
    return bytes.toByteArray();
  }

  private static double mean(Deque<Double> xs) {
    return xs.size() < 20 ? 0 : xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}

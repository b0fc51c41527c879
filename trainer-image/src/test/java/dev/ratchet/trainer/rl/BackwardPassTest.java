package dev.ratchet.trainer.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.env.VecCartPole;
import dev.ratchet.trainer.policy.Evaluation;
import dev.ratchet.trainer.policy.RouterSettings;
import dev.ratchet.trainer.policy.Sequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The backward pass reads only memory the engine owns: the gradients of the PPO loss (with every
 * router term switched on) are bit for bit the same whether or not the JVM collected garbage, and
 * the native memory it freed was reused, between the forward and the backward pass. With DJL's
 * number operands ({@code x.mul(0.5f)}) they were not: autograd kept a tensor over a Java buffer
 * that the collection freed, and the test's reuse wrote other numbers there.
 */
class BackwardPassTest {

  private static final RouterSettings ALL_TERMS =
      new RouterSettings(Routing.SOFTMAX, 0.7, 0.1, EntropyGoal.MAXIMIZE, 0.02, 0.01);

  /** Gradients of the PPO loss over the agent's whole last rollout. */
  private static float[][] gradients(PpoAgent agent, PpoSpec ppo, Runnable beforeBackward) {
    Rollout r = agent.rollout();
    int[] idx = new int[r.size()];
    Arrays.setAll(idx, i -> i);
    Sequences seq = null;
    if (agent.policy().stateSize() > 0) {
      int[] envs = new int[r.envs];
      Arrays.setAll(envs, i -> i);
      idx = PpoLearner.sequenceSamples(r, envs);
      seq = PpoLearner.sequences(r, envs);
    }
    int n = idx.length;
    int actions = agent.policy().actions();
    float[] obs = new float[n * r.obsDim];
    float[] oneHot = new float[n * actions];
    float[] oldLogp = new float[n];
    float[] adv = new float[n];
    float[] ret = new float[n];
    float[] oldV = new float[n];
    for (int j = 0; j < n; j++) {
      int i = idx[j];
      System.arraycopy(r.obs, i * r.obsDim, obs, j * r.obsDim, r.obsDim);
      oneHot[j * actions + r.actions[i]] = 1f;
      oldLogp[j] = r.logProbs[i];
      adv[j] = r.advantages[i];
      ret[j] = r.returns[i];
      oldV[j] = r.values[i];
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray[] p = agent.policy().parameters().materialize(m, true);
      PpoObjective.Targets targets =
          new PpoObjective.Targets(
              m.create(oneHot, new Shape(n, actions)),
              m.create(oldLogp),
              m.create(adv),
              m.create(ret),
              m.create(oldV));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Evaluation ev = agent.policy().evaluate(p, m.create(obs, new Shape(n, r.obsDim)), seq);
        PpoObjective.Terms terms = PpoObjective.compute(ev, targets, ppo, 0.2);
        beforeBackward.run();
        gc.backward(terms.loss());
      }
      float[][] grads = new float[p.length][];
      for (int i = 0; i < p.length; i++) {
        grads[i] = p[i].getGradient().toFloatArray();
      }
      return grads;
    }
  }

  /** Collects garbage, lets the cleaner free what it found, then reuses small native blocks. */
  private static void collectGarbageAndReuseNativeMemory() {
    try (NDManager churn = NDManager.newBaseManager()) {
      for (int round = 0; round < 3; round++) {
        System.gc();
        try {
          Thread.sleep(30);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      List<NDArray> reuse = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        reuse.add(churn.create(7f + i));
      }
    }
  }

  private static void assertUnaffected(Architecture arch, RouterSettings router) {
    PpoSpec ppo = Settings.zooPpo();
    ppo.entropyCoef = 0.01;
    ppo.clipValueLoss = true;
    try (NDManager m = NDManager.newBaseManager();
        PpoAgent agent =
            new PpoAgent(new VecCartPole(4, 500, 31), PolicySettings.of(arch), 31, m)) {
      agent.policy().setRouter(router);
      agent.collect(ppo);
      float[][] quiet = gradients(agent, ppo, () -> {});
      float[][] collected =
          gradients(agent, ppo, BackwardPassTest::collectGarbageAndReuseNativeMemory);
      for (int i = 0; i < quiet.length; i++) {
        assertThat(collected[i])
            .as(
                "%s %s: gradient of %s",
                arch, router.routing(), agent.policy().parameters().name(i))
            .containsExactly(quiet[i]);
      }
    }
  }

  @Test
  void mlpGradientsDoNotDependOnGarbageCollection() {
    assertUnaffected(Architecture.MLP, ALL_TERMS);
  }

  @Test
  void lstmGradientsDoNotDependOnGarbageCollection() {
    assertUnaffected(Architecture.LSTM, ALL_TERMS);
  }

  @Test
  void moeGradientsDoNotDependOnGarbageCollectionUnderSoftmaxOrSparsemax() {
    assertUnaffected(Architecture.MOE, ALL_TERMS);
    assertUnaffected(
        Architecture.MOE,
        new RouterSettings(Routing.SPARSEMAX, 0.4, 0.05, EntropyGoal.MINIMIZE, 0.02, 0.01));
  }
}

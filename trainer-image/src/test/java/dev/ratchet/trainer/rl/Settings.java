package dev.ratchet.trainer.rl;

import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import java.util.List;

/** Hyperparameter sets shared by the tests and the benchmark. */
public final class Settings {

  private Settings() {}

  /** rl-zoo's tuned CartPole PPO: 8 envs × 32 steps, 1 minibatch, 20 epochs. */
  public static PpoSpec zooPpo() {
    PpoSpec p = new PpoSpec();
    p.rolloutSteps = 32;
    p.minibatches = 1;
    p.epochs = 20;
    p.learningRate = 1e-3;
    p.clipRange = 0.2;
    p.entropyCoef = 0.0;
    p.gamma = 0.98;
    p.gaeLambda = 0.8;
    p.annealLearningRate = true;
    p.annealClipRange = true;
    p.clipValueLoss = false;
    return p;
  }

  /** CleanRL's CartPole PPO: 4 envs × 128 steps, 4 minibatches, 4 epochs. */
  public static PpoSpec cleanRlPpo() {
    PpoSpec p = new PpoSpec();
    p.rolloutSteps = 128;
    p.minibatches = 4;
    p.epochs = 4;
    p.learningRate = 2.5e-4;
    p.entropyCoef = 0.01;
    p.gamma = 0.99;
    p.gaeLambda = 0.95;
    p.annealLearningRate = true;
    return p;
  }

  /**
   * PPO for the dungeon in a CI budget (16 envs × 64 steps): a higher LR than CleanRL's, γ 0.95
   * (gold and stairs pay off within tens of steps), little entropy bonus, an unclipped value loss
   * and a looser grad-norm clip, since returns run to the hundreds (a clipped value loss moves the
   * value only ±clip per update).
   */
  public static PpoSpec dungeonPpo() {
    PpoSpec p = new PpoSpec();
    p.rolloutSteps = 64;
    p.minibatches = 4;
    p.epochs = 4;
    p.learningRate = 1e-3;
    p.entropyCoef = 0.003;
    p.gamma = 0.95;
    p.gaeLambda = 0.95;
    p.maxGradNorm = 5;
    p.clipValueLoss = false;
    return p;
  }

  /**
   * PPO for intercept in a CI budget (8 envs × 128 steps): LR 3e-3, γ 0.99, an unclipped value loss
   * and grad-norm clip 5 (episode returns are ±1000).
   */
  public static PpoSpec interceptPpo() {
    PpoSpec p = new PpoSpec();
    p.rolloutSteps = 128;
    p.minibatches = 4;
    p.epochs = 4;
    p.learningRate = 3e-3;
    p.entropyCoef = 0.01;
    p.gamma = 0.99;
    p.gaeLambda = 0.95;
    p.maxGradNorm = 5;
    p.clipValueLoss = false;
    return p;
  }

  public static EnvironmentSpec cartPole(int numEnvs, long seed) {
    EnvironmentSpec e = new EnvironmentSpec();
    e.name = EnvironmentName.CARTPOLE;
    e.numEnvs = numEnvs;
    e.seed = seed;
    return e;
  }

  public static ModelSpec mlp64() {
    ModelSpec m = new ModelSpec();
    m.hiddenSizes = List.of(64, 64);
    return m;
  }
}

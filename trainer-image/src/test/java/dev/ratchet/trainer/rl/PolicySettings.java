package dev.ratchet.trainer.rl;

import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.EntropyGoal;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.trainer.policy.RouterSettings;
import java.util.List;

/** Small models of each architecture for the policy tests. */
public final class PolicySettings {

  private PolicySettings() {}

  /** A 64-wide encoder and 4 experts of 64 as the last hidden layer. */
  public static ModelSpec moe64() {
    ModelSpec m = new ModelSpec();
    m.architecture = Architecture.MOE;
    m.hiddenSizes = List.of(64, 64);
    m.experts = 4;
    return m;
  }

  /**
   * The examples' warmup router: softmax at temperature 1, α-entropy maximized (0.1), load balance
   * 0.02, diversity 0.01.
   */
  public static RouterSettings warmupRouter() {
    return new RouterSettings(Routing.SOFTMAX, 1.0, 0.1, EntropyGoal.MAXIMIZE, 0.02, 0.01);
  }

  /** A 64-wide encoder and a 64-wide LSTM. */
  public static ModelSpec lstm64() {
    ModelSpec m = new ModelSpec();
    m.architecture = Architecture.LSTM;
    m.hiddenSizes = List.of(64);
    m.lstmHiddenSize = 64;
    return m;
  }

  public static ModelSpec of(Architecture a) {
    return switch (a) {
      case MLP -> Settings.mlp64();
      case LSTM -> lstm64();
      case MOE -> moe64();
    };
  }
}

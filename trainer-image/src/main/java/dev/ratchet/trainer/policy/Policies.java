package dev.ratchet.trainer.policy;

import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.trainer.rl.Rng;

/** Builds the policy that {@code model.architecture} names. */
public final class Policies {

  private Policies() {}

  /** A freshly initialized policy; its initial weights come from {@code initRng} only. */
  public static Policy create(ModelSpec model, int obsDim, int actions, Rng initRng) {
    return switch (model.architecture) {
      case MLP -> new MlpPolicy(obsDim, actions, model.hiddenSizes, model.sharedNetwork, initRng);
      case LSTM ->
          new LstmPolicy(
              obsDim,
              actions,
              model.hiddenSizes,
              model.lstmHiddenSize,
              model.sharedNetwork,
              initRng);
      case MOE ->
          new MoePolicy(
              obsDim,
              actions,
              model.hiddenSizes,
              model.experts,
              model.expertInitGain,
              model.routerInitGain,
              model.sharedNetwork,
              initRng);
    };
  }
}

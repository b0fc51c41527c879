package dev.ratchet.trainer.rl;

/**
 * Where a rejected minibatch step first went non-finite, so a NaN can be traced to its term: a loss
 * term (the PPO terms, then the policy's router terms), the gradient of a parameter, or a parameter
 * after the Adam step.
 *
 * @param kind which of the three
 * @param tensor the term's or the parameter's name
 */
public record NonFinite(Kind kind, String tensor) {

  /** Where in the step the value went non-finite. */
  public enum Kind {
    LOSS("loss term"),
    GRADIENT("gradient of"),
    PARAMETER("parameter after the Adam step:");

    private final String words;

    Kind(String words) {
      this.words = words;
    }

    /** The label value of the kind in metrics. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** For people: "gradient of experts.weight", "loss term valueLoss". */
  public String describe() {
    return kind.words + " " + tensor;
  }
}

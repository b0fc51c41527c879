package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The policy network: plain MLP, recurrent LSTM or mixture of experts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {

  @Default("mlp")
  @JsonPropertyDescription(
      "Policy architecture: mlp, lstm (recurrent) or moe (mixture of experts).")
  public Architecture architecture = Architecture.MLP;

  @Default("[256,256]")
  @Size(min = 1, max = 8)
  @JsonPropertyDescription(
      "Widths of the hidden layers (for moe, each expert is one layer of the last width).")
  public List<Integer> hiddenSizes = new ArrayList<>(List.of(256, 256));

  @Default("false")
  @JsonPropertyDescription(
      "Share the hidden layers between actor and critic: one trunk (mlp), one LSTM (lstm), the"
          + " critic on the expert mixture (moe). Separate by default.")
  public boolean sharedNetwork = false;

  @Default("128")
  @Min(1)
  @JsonPropertyDescription("Width of the LSTM state (lstm only).")
  public int lstmHiddenSize = 128;

  @Default("4")
  @Min(2)
  @Max(64)
  @JsonPropertyDescription("Number of experts the router mixes (moe only).")
  public int experts = 4;

  @Default("0.5")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Orthogonal init gain of the expert layers (moe only).")
  public double expertInitGain = 0.5;

  @Default("0.1")
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Orthogonal init gain of the router layer (moe only).")
  public double routerInitGain = 0.1;
}

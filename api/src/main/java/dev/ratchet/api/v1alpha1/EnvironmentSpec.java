package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.LinkedHashMap;
import java.util.Map;

/** The simulated world the agent acts in, vectorized over several copies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvironmentSpec {

  @Required
  @JsonPropertyDescription(
      "Environment: cartpole, dungeon (roguelike), intercept (missile), or external (a server of"
          + " your own speaking the environment protocol, see external).")
  public EnvironmentName name;

  @Default("8")
  @Min(1)
  @JsonPropertyDescription("Environment copies stepped together in one batched forward pass.")
  public int numEnvs = 8;

  @Default("500")
  @Min(1)
  @JsonPropertyDescription(
      "Steps after which an episode is cut off (built-in environments; an external one's own time"
          + " limit applies).")
  public int maxStepsPerEpisode = 500;

  @Default("42")
  @JsonPropertyDescription("Seed of the environments and the trainer's random generators.")
  public long seed = 42;

  @JsonPropertyDescription("Environment-specific options, e.g. interceptRadius for intercept.")
  public Map<String, JsonNode> options = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "The environment server of name external: how it is started and where the trainer reaches"
          + " it. Required for external, refused for the built-in environments.")
  public ExternalEnvironmentSpec external;
}

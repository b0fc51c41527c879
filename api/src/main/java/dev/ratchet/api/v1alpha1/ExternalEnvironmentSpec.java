package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/**
 * An environment served by a process of the user's own over the environment protocol
 * (docs/environment-protocol.md): started from {@code command} beside the trainer (a child process
 * in local mode, a sidecar container on a cluster), so that any Gymnasium-style environment trains
 * without being compiled into the trainer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalEnvironmentSpec {

  @JsonPropertyDescription(
      "The environment server's command and arguments, e.g. [ratchet-env-serve,"
          + " gymnasium:CartPole-v1]. It gets RATCHET_ENV_PORT and RATCHET_ENV_NUM_ENVS in its"
          + " environment and must listen on that port with numEnvs copies.")
  public List<String> command = new ArrayList<>();

  @Default("50051")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The port the server listens on, on the trainer's own host (localhost).")
  public int port = 50051;

  @JsonPropertyDescription(
      "The container image of the server, for a sidecar on a cluster (unused in local mode).")
  public String image;

  @JsonPropertyDescription(
      "CPU and memory of the sidecar on a cluster (unused in local mode); the trainer's own are"
          + " trainer.resources.")
  public ResourceRequirements resources;

  @Default("60")
  @Min(1)
  @JsonPropertyDescription(
      "Seconds the trainer waits for the server to answer at start before it gives up with a"
          + " reason.")
  public int startupTimeoutSeconds = 60;

  @Default("30")
  @Min(1)
  @JsonPropertyDescription(
      "Seconds one batched step or reset may take before the trainer gives up on the server.")
  public int stepTimeoutSeconds = 30;
}

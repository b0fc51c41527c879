package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The trainer container of each attempt: image, accelerators, resources and scheduling. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainerSpec {

  @JsonPropertyDescription("Trainer image; defaults to the operator's configured trainer image.")
  public String image;

  @Default("1")
  @Min(0)
  @JsonPropertyDescription("GPUs requested as nvidia.com/gpu limits; 0 trains on CPU.")
  public int gpus = 1;

  @Default("auto")
  @JsonPropertyDescription("Device the trainer uses: auto picks the GPU when one is visible.")
  public Device device = Device.AUTO;

  @JsonPropertyDescription("CPU and memory requests and limits of the trainer container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the trainer pod must be scheduled on.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the trainer pod, e.g. for GPU node taints.")
  public List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Node affinity and pod (anti-)affinity of the trainer pod.")
  public Affinity affinity;

  @JsonPropertyDescription(
      "Priority class of the trainer pod, e.g. a lower one for long runs that may be preempted.")
  public String priorityClassName;

  @JsonPropertyDescription("Secrets holding the registry credentials to pull the trainer image.")
  public List<LocalObjectReference> imagePullSecrets = new ArrayList<>();

  @JsonPropertyDescription(
      "Service account of the trainer pod, e.g. one bound to a cloud identity for the bucket; its"
          + " API token is still not mounted: the trainer never talks to the API server.")
  public String serviceAccountName;

  @JsonPropertyDescription(
      "Extra labels of the trainer pod (cost centre, team); Ratchet's own ratchet.dev/ and"
          + " app.kubernetes.io/managed-by labels cannot be overridden.")
  public Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("Extra annotations of the trainer pod (e.g. for a service mesh).")
  public Map<String, String> annotations = new LinkedHashMap<>();

  @JsonPropertyDescription("Extra environment variables of the trainer container.")
  public List<EnvVar> env = new ArrayList<>();

  @Default("5")
  @Min(0)
  @JsonPropertyDescription("Crash restarts allowed before the run is marked Failed.")
  public int maxRestarts = 5;

  @Default("10")
  @Min(1)
  @JsonPropertyDescription(
      "Wait before the first restart after a crash; it doubles with each crash in a row, up to 5"
          + " minutes.")
  public long restartBackoffSeconds = 10;

  @Min(5)
  @JsonPropertyDescription(
      "Seconds a stopping trainer gets to commit its preempt checkpoint before it is killed (the"
          + " pod's terminationGracePeriodSeconds); unset takes the platform's (the operator's"
          + " ratchet.preempt-grace-period, 60 s in local mode).")
  public Long preemptGraceSeconds;

  @Default("600")
  @Min(5)
  @JsonPropertyDescription(
      "A running trainer that finishes no episode (or cannot be read) for this long counts as"
          + " stalled: it is killed and restarted from the latest checkpoint.")
  public long stallTimeoutSeconds = 600;
}

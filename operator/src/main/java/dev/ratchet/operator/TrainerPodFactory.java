package dev.ratchet.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.api.v1alpha1.TrainerSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ConfigMap and the Pod of one trainer attempt: GPU limits, non-root and read-only root
 * filesystem, credentials only by secretKeyRef, owned by the TrainingRun.
 */
public final class TrainerPodFactory {

  /** Where the attempt's config file is mounted in the trainer container. */
  static final String CONFIG_DIR = "/etc/ratchet";

  static final String CONFIG_FILE = "trainer-config.json";
  static final String GPU_RESOURCE = "nvidia.com/gpu";
  static final long TRAINER_UID = 1000;

  /** The container of an external environment's server (environment.name external). */
  static final String ENVIRONMENT_CONTAINER = "environment";

  private final OperatorConfig settings;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public TrainerPodFactory(OperatorConfig settings) {
    this.settings = settings;
  }

  /** The objects of one attempt. */
  public record TrainerResources(ConfigMap configMap, Pod pod) {}

  /** Builds both objects of the attempt described by {@code config}. */
  public TrainerResources build(TrainingRun run, TrainerConfig config, String credentialsSecret) {
    String name = run.getMetadata().getName();
    Map<String, String> labels = labels(name, config);
    ConfigMap configMap =
        new ConfigMapBuilder()
            .withMetadata(meta(run, TrainerNames.configMap(name, config.attempt()), labels))
            .addToData(CONFIG_FILE, toJson(config))
            .build();
    return new TrainerResources(configMap, pod(run, config, labels, credentialsSecret));
  }

  private Pod pod(
      TrainingRun run, TrainerConfig config, Map<String, String> labels, String secret) {
    TrainerSpec trainer = run.getSpec().trainer;
    String image =
        trainer.image == null || trainer.image.isBlank() ? settings.trainerImage() : trainer.image;
    ObjectMeta podMeta =
        meta(run, TrainerNames.pod(run.getMetadata().getName(), config.attempt()), labels);
    // the spec's labels first: Ratchet's own (validated as not overridden) always win
    Map<String, String> podLabels = new LinkedHashMap<>(trainer.labels);
    podLabels.putAll(labels);
    podMeta.setLabels(podLabels);
    if (!trainer.annotations.isEmpty()) {
      podMeta.setAnnotations(new LinkedHashMap<>(trainer.annotations));
    }
    Pod pod =
        new PodBuilder()
            .withMetadata(podMeta)
            .withNewSpec()
            .withRestartPolicy("Never") // the operator restarts from the latest checkpoint instead
            // the trainer never talks to the API server: no service account token in the pod
            .withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds(config.preemptGraceSeconds())
            .withNodeSelector(trainer.nodeSelector)
            .withTolerations(trainer.tolerations)
            .withAffinity(trainer.affinity)
            .withPriorityClassName(trainer.priorityClassName)
            .withImagePullSecrets(trainer.imagePullSecrets)
            .withServiceAccountName(trainer.serviceAccountName)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(TRAINER_UID)
            .withRunAsGroup(TRAINER_UID)
            .withFsGroup(TRAINER_UID)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewContainer()
            .withName("trainer")
            .withImage(image)
            .withEnv(env(trainer, secret))
            // the trainer's one-line reason, or the log's tail if it died before writing one
            .withTerminationMessagePath(TrainerEnv.TERMINATION_LOG_PATH)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withResources(resources(trainer))
            .addNewPort()
            .withName("http")
            .withContainerPort(settings.trainerPort())
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/healthz")
            .withNewPort("http")
            .endHttpGet()
            .withPeriodSeconds(10)
            .endReadinessProbe()
            .withSecurityContext(lockedDown())
            .addNewVolumeMount()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("scratch")
            .withMountPath("/tmp")
            .endVolumeMount()
            .endContainer()
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName(TrainerNames.configMap(run.getMetadata().getName(), config.attempt()))
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    if (config.environment().name == EnvironmentName.EXTERNAL) {
      pod.getSpec().setInitContainers(List.of(environmentSidecar(config.environment())));
    }
    return pod;
  }

  /**
   * The external environment's server as a native sidecar (an init container that keeps running):
   * it starts before the trainer and is stopped when the trainer's container ends, so the pod ends
   * with the trainer, as the run's lifecycle wants; it runs as locked down as the trainer.
   */
  /**
   * The container security both of a trainer pod's containers run under, defined once so the
   * environment sidecar cannot drift from the trainer: read-only root, no privilege escalation, no
   * capabilities.
   */
  private static SecurityContext lockedDown() {
    return new SecurityContextBuilder()
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  private static Container environmentSidecar(EnvironmentSpec env) {
    ExternalEnvironmentSpec external = env.external;
    if (external == null || external.image == null || external.image.isBlank()) {
      throw new IllegalArgumentException(
          "spec.environment.external.image is required on a cluster: the environment server"
              + " runs there as a sidecar container of that image");
    }
    return new ContainerBuilder()
        .withName(ENVIRONMENT_CONTAINER)
        .withImage(external.image)
        .withCommand(external.command)
        .withRestartPolicy("Always")
        .addNewEnv()
        .withName(TrainerEnv.ENVIRONMENT_PORT)
        .withValue(Integer.toString(external.port))
        .endEnv()
        .addNewEnv()
        .withName(TrainerEnv.ENVIRONMENT_NUM_ENVS)
        .withValue(Integer.toString(env.numEnvs))
        .endEnv()
        .withResources(external.resources)
        .withSecurityContext(lockedDown())
        .addNewVolumeMount()
        .withName("scratch")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }

  private static List<EnvVar> env(TrainerSpec trainer, String secret) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(TrainerEnv.CONFIG, CONFIG_DIR + "/" + CONFIG_FILE, null));
    env.add(new EnvVar(TrainerEnv.TERMINATION_LOG, TrainerEnv.TERMINATION_LOG_PATH, null));
    env.add(secretEnv(TrainerEnv.S3_ACCESS_KEY, secret, TrainerEnv.SECRET_ACCESS_KEY_FIELD));
    env.add(secretEnv(TrainerEnv.S3_SECRET_KEY, secret, TrainerEnv.SECRET_SECRET_KEY_FIELD));
    env.addAll(trainer.env);
    return env;
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static ResourceRequirements resources(TrainerSpec trainer) {
    ResourceRequirementsBuilder builder =
        trainer.resources == null
            ? new ResourceRequirementsBuilder()
            : new ResourceRequirementsBuilder(trainer.resources);
    if (trainer.gpus > 0) {
      // Extended resources are requested through limits; requests default to the same value.
      builder.addToLimits(GPU_RESOURCE, new Quantity(Integer.toString(trainer.gpus)));
    }
    return builder.build();
  }

  private static Map<String, String> labels(String run, TrainerConfig config) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(TrainerLabels.MANAGED_BY, TrainerLabels.MANAGED_BY_VALUE);
    labels.put(TrainerLabels.RUN, run);
    labels.put(TrainerLabels.ATTEMPT, Integer.toString(config.attempt()));
    labels.put(TrainerLabels.PHASE, config.phase());
    return labels;
  }

  private static ObjectMeta meta(TrainingRun run, String name, Map<String, String> labels) {
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion(run.getApiVersion())
            .withKind(run.getKind())
            .withName(run.getMetadata().getName())
            .withUid(run.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(owner)
        .build();
  }

  private String toJson(TrainerConfig config) {
    try {
      return json.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("trainer config cannot be written as JSON", e);
    }
  }
}

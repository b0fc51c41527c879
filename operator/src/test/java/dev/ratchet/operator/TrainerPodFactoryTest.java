package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.core.validation.TrainingRunReader;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The trainer pod of an attempt carries the GPU request, the safety settings and the config. */
class TrainerPodFactoryTest {

  static final OperatorConfig SETTINGS =
      new OperatorConfig() {
        @Override
        public String trainerImage() {
          return "registry.example/ratchet-trainer:test";
        }

        @Override
        public Duration pollInterval() {
          return Duration.ofSeconds(10);
        }

        @Override
        public Duration preemptGracePeriod() {
          return Duration.ofSeconds(120);
        }

        @Override
        public int trainerPort() {
          return 9400;
        }

        @Override
        public Storage storage() {
          return new Storage() {
            @Override
            public Optional<String> endpoint() {
              return Optional.of("http://minio:9000");
            }

            @Override
            public String credentialsSecret() {
              return "ratchet-s3";
            }
          };
        }
      };

  static TrainingRun dungeonRun() throws Exception {
    TrainingRun run =
        new TrainingRunReader()
            .read(Files.readString(Path.of("../examples/dungeon-moe-three-phase.yaml")))
            .run();
    run.getMetadata().setNamespace("research");
    run.getMetadata().setUid("uid-1234");
    return run;
  }

  static TrainerConfig config(TrainingRun run, int attempt) {
    var spec = run.getSpec();
    return new TrainerConfig(
        "research",
        run.getMetadata().getName(),
        attempt,
        "warmup",
        0,
        0,
        1000,
        null,
        spec.environment,
        spec.model,
        spec.ppo,
        spec.phases.get(0).routing,
        spec.phases.get(0).temperature,
        spec.phases.get(0).moe,
        new TrainerConfig.CheckpointPolicy(100, RunMetric.SCORE_MEAN, 100),
        new TrainerConfig.StorageLocation(
            "http://ratchet-minio.ratchet.svc:9000", "ratchet-checkpoints", "dungeon", "us-east-1"),
        Device.AUTO,
        100,
        9400,
        90,
        null);
  }

  @Test
  void podRequestsGpusRunsAsNonRootAndReadsCredentialsFromTheSecret() throws Exception {
    TrainingRun run = dungeonRun();

    TrainerPodFactory.TrainerResources resources =
        new TrainerPodFactory(SETTINGS).build(run, config(run, 3), "ratchet-s3");

    Pod pod = resources.pod();
    assertThat(pod.getMetadata().getName()).isEqualTo("dungeon-moe-a3");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("research");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "ratchet")
        .containsEntry("ratchet.dev/run", "dungeon-moe")
        .containsEntry("ratchet.dev/attempt", "3")
        .containsEntry("ratchet.dev/phase", "warmup");
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("TrainingRun");
              assertThat(owner.getUid()).isEqualTo("uid-1234");
              assertThat(owner.getController()).isTrue();
            });
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    // the trainer never talks to the API server: no token to steal from it
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    // the attempt's own grace, the one its trainer waits for (not the operator's default of 120)
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(90L);
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getTolerations())
        .extracting(t -> t.getKey())
        .containsExactly("nvidia.com/gpu");

    Container trainer = pod.getSpec().getContainers().get(0);
    assertThat(trainer.getImage()).isEqualTo("registry.example/ratchet-trainer:test");
    assertThat(trainer.getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
    assertThat(trainer.getResources().getLimits().get("memory").toString()).isEqualTo("16Gi");
    assertThat(trainer.getResources().getRequests().get("cpu").toString()).isEqualTo("4");
    assertThat(trainer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(trainer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(trainer.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactly("/etc/ratchet", "/tmp");
    assertThat(trainer.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly(
            "RATCHET_TRAINER_CONFIG",
            "RATCHET_TRAINER_TERMINATION_LOG",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY");
    // the trainer's one-line reason reaches the pod status, or the log's tail if it wrote none
    assertThat(trainer.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(trainer.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(trainer.getEnv())
        .filteredOn(e -> e.getName().startsWith("AWS_"))
        .allSatisfy(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ratchet-s3");
            });
  }

  @Test
  void configMapHoldsTheAttemptsConfigAsJson() throws Exception {
    TrainingRun run = dungeonRun();

    TrainerPodFactory.TrainerResources resources =
        new TrainerPodFactory(SETTINGS).build(run, config(run, 1), "ratchet-s3");

    assertThat(resources.configMap().getMetadata().getName()).isEqualTo("dungeon-moe-a1-config");
    String json = resources.configMap().getData().get("trainer-config.json");
    TrainerConfig read = new ObjectMapper().readValue(json, TrainerConfig.class);
    assertThat(read.attempt()).isEqualTo(1);
    assertThat(read.moe().alphaEntropyCoef).isEqualTo(0.1);
    assertThat(read.storage().bucket()).isEqualTo("ratchet-checkpoints");
  }

  @Test
  void anExternalEnvironmentRunsAsANativeSidecarWithItsPortCopiesAndResources() throws Exception {
    TrainingRun run = externalRun();
    run.getSpec().environment.external.image = "registry.example/envs/cartpole:1";
    run.getSpec().environment.external.resources =
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
            .build();

    Pod pod = new TrainerPodFactory(SETTINGS).build(run, config(run, 1), "s").pod();

    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("trainer");
    Container env = pod.getSpec().getInitContainers().get(0);
    assertThat(env.getName()).isEqualTo("environment");
    assertThat(env.getRestartPolicy())
        .as("a native sidecar: stopped when the trainer ends")
        .isEqualTo("Always");
    assertThat(env.getImage()).isEqualTo("registry.example/envs/cartpole:1");
    assertThat(env.getCommand())
        .containsExactly("ratchet-env-serve", "gymnasium:CartPole-v1", "--success", "truncated");
    assertThat(env.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("RATCHET_ENV_PORT=50061", "RATCHET_ENV_NUM_ENVS=8");
    assertThat(env.getResources().getLimits().get("cpu").toString()).isEqualTo("2");
    assertThat(env.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(env.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(env.getEnv()).noneMatch(e -> e.getValueFrom() != null); // no credentials
  }

  @Test
  void anExternalEnvironmentWithoutAnImageIsRefusedNamingTheField() throws Exception {
    TrainingRun run = externalRun();
    run.getSpec().environment.external.image = null;

    assertThatThrownBy(() -> new TrainerPodFactory(SETTINGS).build(run, config(run, 1), "s"))
        .hasMessageStartingWith("spec.environment.external.image is required on a cluster");
  }

  private static TrainingRun externalRun() throws Exception {
    TrainingRun run =
        new TrainingRunReader()
            .read(Files.readString(Path.of("../examples/gymnasium-cartpole.yaml")))
            .run();
    run.getMetadata().setNamespace("research");
    run.getMetadata().setUid("uid-5678");
    return run;
  }

  @Test
  void cpuRunHasNoGpuLimitAndFallsBackToTheDefaultImage() throws Exception {
    TrainingRun run = dungeonRun();
    run.getSpec().trainer.gpus = 0;
    run.getSpec().trainer.resources = null;

    Pod pod = new TrainerPodFactory(SETTINGS).build(run, config(run, 1), "s").pod();

    Container trainer = pod.getSpec().getContainers().get(0);
    assertThat(trainer.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(trainer.getImage()).isEqualTo(SETTINGS.trainerImage());
  }

  @Test
  void theClusterAdminsSchedulingIdentityAndMetadataReachThePodWithRatchetsLabelsKept()
      throws Exception {
    TrainingRun run = dungeonRun();
    var trainer = run.getSpec().trainer;
    trainer.affinity =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("gpu.example/model")
            .withOperator("In")
            .withValues("a100", "h100")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    trainer.priorityClassName = "research-low";
    trainer.imagePullSecrets = List.of(new LocalObjectReference("registry-credentials"));
    trainer.serviceAccountName = "trainer-bucket-reader";
    trainer.labels = Map.of("team", "rl", "cost-centre", "42");
    trainer.annotations = Map.of("sidecar.istio.io/inject", "false");

    Pod pod = new TrainerPodFactory(SETTINGS).build(run, config(run, 1), "s").pod();

    assertThat(pod.getSpec().getAffinity()).isEqualTo(trainer.affinity);
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("research-low");
    assertThat(pod.getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-credentials");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("trainer-bucket-reader");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "rl")
        .containsEntry("cost-centre", "42")
        .containsEntry(TrainerLabels.RUN, run.getMetadata().getName())
        .containsEntry(TrainerLabels.MANAGED_BY, TrainerLabels.MANAGED_BY_VALUE);
    assertThat(pod.getMetadata().getAnnotations())
        .containsExactly(Map.entry("sidecar.istio.io/inject", "false"));
  }
}

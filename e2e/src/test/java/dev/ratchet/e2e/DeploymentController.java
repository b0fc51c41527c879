package dev.ratchet.e2e;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the mock API server lacks to run a chart's operator: a controller that keeps one pod of each
 * Deployment's template (as its ReplicaSet would, for the one replica the chart asks for),
 * replacing a pod that was deleted or ended, reports the Deployment's ready replicas, and deletes
 * the pods of a Deployment that is gone (the garbage collector's part). Not emulated: more than one
 * replica, rolling updates and revisions, ReplicaSet objects, restarting a container in its pod
 * (the pod is replaced instead).
 */
final class DeploymentController implements AutoCloseable {

  private static final String TEMPLATE_HASH = "pod-template-hash";
  private final KubernetesClient client;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  DeploymentController(KubernetesClient client) {
    this.client = client;
    loop.scheduleWithFixedDelay(this::tick, 100, 500, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      List<Deployment> all = client.apps().deployments().inAnyNamespace().list().getItems();
      for (Deployment deployment : all) {
        reconcile(deployment);
      }
      collectOrphans(all);
    } catch (RuntimeException e) {
      // the mock may be shutting down at the end of a test
    }
  }

  private void reconcile(Deployment deployment) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    List<Pod> pods =
        client.pods().inNamespace(namespace).list().getItems().stream()
            .filter(p -> ownedBy(p, deployment))
            .toList();
    List<Pod> live =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(
                p ->
                    p.getStatus() == null
                        || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
            .toList();
    pods.stream()
        .filter(p -> !live.contains(p) && p.getMetadata().getDeletionTimestamp() == null)
        .forEach(p -> client.pods().inNamespace(namespace).resource(p).delete());
    if (live.isEmpty()) {
      client.pods().inNamespace(namespace).resource(pod(deployment)).create();
    }
    int ready =
        (int)
            live.stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
                .filter(
                    p ->
                        p.getStatus().getConditions().stream()
                            .anyMatch(
                                c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
    Integer reported =
        deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
    if (reported == null || reported != ready) {
      client
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              d -> {
                d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
                d.getStatus().setReplicas(live.size());
                d.getStatus().setReadyReplicas(ready);
                d.getStatus().setAvailableReplicas(ready);
                d.getStatus().setUpdatedReplicas(live.size());
                return d;
              });
    }
  }

  /** The garbage collector's part: pods whose Deployment is gone are deleted (gracefully). */
  private void collectOrphans(List<Deployment> deployments) {
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      boolean ownedByADeployment =
          pod.getMetadata().getOwnerReferences() != null
              && pod.getMetadata().getOwnerReferences().stream()
                  .anyMatch(o -> "Deployment".equals(o.getKind()));
      if (ownedByADeployment
          && pod.getMetadata().getDeletionTimestamp() == null
          && deployments.stream().noneMatch(d -> ownedBy(pod, d))) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).delete();
      }
    }
  }

  private static boolean ownedBy(Pod pod, Deployment deployment) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> deployment.getMetadata().getUid().equals(o.getUid()));
  }

  private static Pod pod(Deployment deployment) {
    String hash = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
    ObjectMeta template = deployment.getSpec().getTemplate().getMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (template != null && template.getLabels() != null) {
      labels.putAll(template.getLabels());
    }
    labels.put(TEMPLATE_HASH, hash);
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(deployment.getMetadata().getName() + "-" + hash)
                .withNamespace(deployment.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(template == null ? null : template.getAnnotations())
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(deployment.getMetadata().getName())
                        .withUid(deployment.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build())
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}

package dev.ratchet.operator;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.core.platform.Platform;
import dev.ratchet.core.platform.ProgressReader;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.SourceRun;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.core.supervisor.TrainerPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One run's view of the cluster for one reconcile: its trainer pods (as the informer saw them),
 * their ConfigMaps, its Events and its storage. Built per reconcile, so it holds no state between
 * them.
 */
final class KubernetesPlatform implements Platform {

  private static final Logger LOG = Logger.getLogger(KubernetesPlatform.class);

  private final TrainingRun run;
  private final List<Pod> trainerPods;
  private final KubernetesClient client;
  private final OperatorConfig settings;
  private final ProgressClient progress;
  private final RunStorage storage;
  private final TrainerPodFactory pods;
  private final EventRecorder events;

  KubernetesPlatform(
      TrainingRun run,
      List<Pod> podsOfRun,
      KubernetesClient client,
      OperatorConfig settings,
      ProgressClient progress,
      RunStorage storage,
      TrainerPodFactory pods,
      EventRecorder events) {
    this.run = run;
    this.trainerPods =
        podsOfRun.stream().sorted(Comparator.comparingInt(KubernetesPlatform::attemptOf)).toList();
    this.client = client;
    this.settings = settings;
    this.progress = progress;
    this.storage = storage;
    this.pods = pods;
    this.events = events;
  }

  @Override
  public TrainerObservation trainer() {
    return newest().map(KubernetesPlatform::observe).orElse(null);
  }

  @Override
  public ProgressReader.Reply progress(TrainerObservation trainer, long after) {
    return newest()
        .filter(pod -> attemptOf(pod) == trainer.attempt())
        .map(pod -> progress.fetch(pod, after))
        .orElse(ProgressReader.Reply.NONE);
  }

  @Override
  public CheckpointStore storage() {
    try {
      return storage.open(run);
    } catch (RunStorage.UnavailableException e) {
      throw new StorageException(e.getMessage(), e);
    }
  }

  @Override
  public SourceRun sourceRun(String name) {
    TrainingRun source;
    try {
      source = client.resources(TrainingRun.class).inNamespace(namespace()).withName(name).get();
    } catch (KubernetesClientException e) {
      return new SourceRun(name, null, null, List.of(), e.getMessage());
    }
    if (source == null) {
      return SourceRun.missing(name);
    }
    try {
      List<String> committed =
          storage.open(source).list().committed().stream().map(CheckpointManifest::id).toList();
      return new SourceRun(name, source.getSpec(), source.getStatus(), committed, null);
    } catch (RunStorage.UnavailableException | StorageException e) {
      return SourceRun.unlisted(name, source.getSpec(), source.getStatus(), e.getMessage());
    }
  }

  @Override
  public void start(Action.StartAttempt start) {
    if (trainerPods.stream().anyMatch(p -> attemptOf(p) == start.attempt())) {
      return; // already carried out
    }
    TrainerPodFactory.TrainerResources resources =
        pods.build(run, start.config(), storage.secretName(run));
    String namespace = namespace();
    // The config is written (again) before the pod, so a pod never starts on a stale config.
    try {
      client
          .configMaps()
          .inNamespace(namespace)
          .resource(resources.configMap())
          .createOr(c -> c.update());
    } catch (KubernetesClientException e) {
      throw refused("write ConfigMap " + resources.configMap().getMetadata().getName(), e);
    }
    try {
      client.pods().inNamespace(namespace).resource(resources.pod()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw refused("create pod " + resources.pod().getMetadata().getName(), e);
      }
      return; // created meanwhile by another reconcile of the same decision
    }
    // Earlier attempts have ended (the supervisor starts one only then): their pods go.
    for (Pod old : trainerPods) {
      if (attemptOf(old) < start.attempt()) {
        client.pods().inNamespace(namespace).resource(old).delete();
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(TrainerNames.configMap(run.getMetadata().getName(), attemptOf(old)))
            .delete();
      }
    }
  }

  @Override
  public void stop(Action.StopAttempt stop) {
    for (Pod pod : trainerPods) {
      if (attemptOf(pod) == stop.attempt() && pod.getMetadata().getDeletionTimestamp() == null) {
        // the pod's own grace: the one its trainer was configured with
        Long podGrace =
            pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
        // No preempt checkpoint wanted: the shortest graceful delete, not a forced one (grace
        // 0), so the pod stays visible until its container has stopped and nothing it still
        // writes can follow a clean-up.
        long grace =
            !stop.preemptCheckpoint()
                ? 1
                : podGrace != null ? podGrace : settings.preemptGracePeriod().toSeconds();
        try {
          client.pods().inNamespace(namespace()).resource(pod).withGracePeriod(grace).delete();
        } catch (KubernetesClientException e) {
          throw refused("delete pod " + pod.getMetadata().getName(), e);
        }
        LOG.infof(
            "%s: stopping attempt %d (%s)",
            run.getMetadata().getName(), stop.attempt(), stop.reason());
      }
    }
  }

  @Override
  public void event(EventType type, String message) {
    events.record(run, type.reason(), message, type.warning());
  }

  /**
   * The API server's own words (a quota, an admission webhook, RBAC), not the client's dump of the
   * request, for status and the event.
   */
  private static IllegalStateException refused(String what, KubernetesClientException e) {
    String why =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return new IllegalStateException(
        "the API server refused to " + what + " (HTTP " + e.getCode() + "): " + why, e);
  }

  private Optional<Pod> newest() {
    return trainerPods.isEmpty()
        ? Optional.empty()
        : Optional.of(trainerPods.get(trainerPods.size() - 1));
  }

  private String namespace() {
    return run.getMetadata().getNamespace();
  }

  /** The supervisor's view of a trainer pod. */
  static TrainerObservation observe(Pod pod) {
    PodState state = PodState.of(pod);
    TrainerPhase phase =
        switch (state.phase()) {
          case PENDING -> TrainerPhase.PENDING;
          case RUNNING -> TrainerPhase.RUNNING;
          case SUCCEEDED -> TrainerPhase.SUCCEEDED;
          case FAILED -> TrainerPhase.FAILED;
        };
    return new TrainerObservation(attemptOf(pod), phase, state.exitCode(), state.trainerReason());
  }

  static int attemptOf(Pod pod) {
    String attempt = pod.getMetadata().getLabels().get(TrainerLabels.ATTEMPT);
    return attempt == null ? 0 : Integer.parseInt(attempt);
  }
}

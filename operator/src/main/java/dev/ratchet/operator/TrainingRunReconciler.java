package dev.ratchet.operator;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.TrainerNames;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.platform.EpisodeRecords;
import dev.ratchet.core.platform.ProgressReader;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.Decision;
import dev.ratchet.core.supervisor.Observation;
import dev.ratchet.core.supervisor.PlatformDefaults;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.core.supervisor.TrainerPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a TrainingRun: observes its trainer pod, the trainer's progress and the committed
 * checkpoints; asks the core {@link Supervisor} what to do; carries out the actions on pods,
 * storage and events; and records the decided status through the status subresource.
 */
@ControllerConfiguration(name = TrainingRunReconciler.NAME)
// Least privilege beyond the TrainingRuns themselves: trainer pods and their configs, events,
// Secrets read one by one (never listed), and the leader-election lease.
@RBACRule(
    apiGroups = "",
    resources = "pods",
    verbs = {"get", "list", "watch", "create", "delete"})
@RBACRule(
    apiGroups = "",
    resources = "configmaps",
    verbs = {"get", "list", "watch", "create", "update", "delete"})
@RBACRule(
    apiGroups = "",
    resources = "events",
    verbs = {"get", "create", "update"})
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(
    apiGroups = "coordination.k8s.io",
    resources = "leases",
    verbs = {"get", "create", "update"})
public class TrainingRunReconciler implements Reconciler<TrainingRun>, Cleaner<TrainingRun> {

  static final String NAME = "trainingrun";
  private static final Logger LOG = Logger.getLogger(TrainingRunReconciler.class);

  private final KubernetesClient client;
  private final OperatorConfig settings;
  private final ProgressClient progress;
  private final RunStorage storage;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Supervisor supervisor;
  private final TrainerPodFactory pods;
  private final EventRecorder events;

  public TrainingRunReconciler(
      KubernetesClient client,
      OperatorConfig settings,
      ProgressClient progress,
      RunStorage storage,
      OperatorMetrics metrics,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.progress = progress;
    this.storage = storage;
    this.metrics = metrics;
    this.clock = clock;
    this.pods = new TrainerPodFactory(settings);
    this.supervisor =
        new Supervisor(
            new PlatformDefaults(
                settings.storage().endpoint().orElse(null),
                false,
                settings.trainerPort(),
                settings.preemptGracePeriod().toSeconds()));
    this.events = new EventRecorder(client, clock);
  }

  @Override
  public List<EventSource<?, TrainingRun>> prepareEventSources(
      EventSourceContext<TrainingRun> context) {
    // Trainer pods are owned by their run: a pod that ends triggers the run's reconcile at once.
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TrainingRun.class)
                .withLabelSelector(TrainerLabels.MANAGED_BY + "=" + TrainerLabels.MANAGED_BY_VALUE)
                .build(),
            context));
  }

  @Override
  public UpdateControl<TrainingRun> reconcile(TrainingRun run, Context<TrainingRun> context) {
    return reconcile(run, List.copyOf(context.getSecondaryResources(Pod.class)));
  }

  /** One observe → decide → act → record round over the run's trainer pods. */
  UpdateControl<TrainingRun> reconcile(TrainingRun run, List<Pod> podsOfRun) {
    List<Pod> trainerPods =
        podsOfRun.stream()
            .sorted(Comparator.comparingInt(TrainingRunReconciler::attemptOf))
            .toList();
    Optional<Pod> newest = trainerPods.stream().reduce((a, b) -> b);

    // Observe.
    CheckpointStore store;
    CheckpointStore.Listing listing;
    try {
      store = storage.open(run);
      listing = store.list();
    } catch (RunStorage.UnavailableException | StorageException e) {
      return waitForStorage(run, e.getMessage());
    }
    TrainerObservation trainer = newest.map(TrainingRunReconciler::observe).orElse(null);
    long after = Supervisor.judgedThrough(run.getStatus());
    ProgressReader.Reply reply =
        trainer != null && trainer.phase() == TrainerPhase.RUNNING
            ? progress.fetch(newest.get(), after)
            : ProgressReader.Reply.NONE;
    ProgressReport report = reply.report();
    Observation observation;
    try {
      observation =
          new Observation(
              trainer,
              report,
              listing.committed(),
              listing.rejected().stream().map(CheckpointStore.Rejected::id).toList(),
              EpisodeRecords.of(run.getStatus(), trainer, report, store),
              reply.problem());
    } catch (StorageException e) {
      return waitForStorage(run, e.getMessage());
    }

    // Decide.
    Decision decision = supervisor.decide(run, observation, Instant.now(clock));

    // Act.
    for (Action action : decision.actions()) {
      carryOut(run, action, store, trainerPods);
    }

    // Record.
    run.setStatus(decision.status());
    metrics.recordStatus(run);
    UpdateControl<TrainingRun> control = UpdateControl.patchStatus(run);
    if (decision.status().state == null || !decision.status().state.isFinal()) {
      control.rescheduleAfter(settings.pollInterval());
    }
    return control;
  }

  @Override
  public DeleteControl cleanup(TrainingRun run, Context<TrainingRun> context) {
    metrics.forget(run);
    if (!run.getSpec().checkpoints.deleteOnRunDeletion) {
      return DeleteControl.defaultDelete();
    }
    try {
      CheckpointStore store = storage.open(run);
      CheckpointStore.Listing listing = store.list();
      for (CheckpointManifest manifest : listing.committed()) {
        store.delete(manifest.id());
      }
      for (CheckpointStore.Rejected rejected : listing.rejected()) {
        store.delete(rejected.id());
      }
      for (String uncommitted : listing.uncommitted()) {
        store.delete(uncommitted);
      }
      return DeleteControl.defaultDelete();
    } catch (RunStorage.UnavailableException | StorageException e) {
      // Keep the finalizer: losing track of the checkpoints is worse than a slow deletion.
      events.record(
          run,
          "CheckpointCleanupFailed",
          "checkpoints not deleted yet, will retry: " + e.getMessage(),
          true);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.pollInterval());
    }
  }

  private UpdateControl<TrainingRun> waitForStorage(TrainingRun run, String problem) {
    TrainingRunStatus status = run.getStatus() == null ? new TrainingRunStatus() : run.getStatus();
    if (status.state == null) {
      status.state = RunState.PENDING;
    }
    status.message = problem;
    run.setStatus(status);
    metrics.recordStatus(run);
    LOG.infof("%s/%s waits for storage: %s", run.getMetadata().getNamespace(), name(run), problem);
    return UpdateControl.patchStatus(run).rescheduleAfter(settings.pollInterval());
  }

  private void carryOut(TrainingRun run, Action action, CheckpointStore store, List<Pod> existing) {
    if (action instanceof Action.StartAttempt start) {
      start(run, start, existing);
    } else if (action instanceof Action.StopAttempt stop) {
      stop(run, stop, existing);
    } else if (action instanceof Action.DeleteCheckpoints delete) {
      for (String id : delete.ids()) {
        try {
          store.delete(id);
        } catch (StorageException e) {
          LOG.warnf("%s: checkpoint %s not deleted: %s", name(run), id, e.getMessage());
        }
      }
    } else if (action instanceof Action.EmitEvent event) {
      events.record(run, event.type().reason(), event.message(), event.type().warning());
      metrics.recordEvent(run, event.type());
    }
  }

  private void start(TrainingRun run, Action.StartAttempt start, List<Pod> existing) {
    if (existing.stream().anyMatch(p -> attemptOf(p) == start.attempt())) {
      return; // already carried out
    }
    TrainerPodFactory.TrainerResources resources =
        pods.build(run, start.config(), storage.secretName(run));
    String namespace = run.getMetadata().getNamespace();
    // The config is written (again) before the pod, so a pod never starts on a stale config.
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(resources.configMap())
        .createOr(c -> c.update());
    try {
      client.pods().inNamespace(namespace).resource(resources.pod()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return; // created meanwhile by another reconcile of the same decision
    }
    // Earlier attempts have ended (the supervisor starts one only then): their pods go.
    for (Pod old : existing) {
      if (attemptOf(old) < start.attempt()) {
        client.pods().inNamespace(namespace).resource(old).delete();
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(TrainerNames.configMap(name(run), attemptOf(old)))
            .delete();
      }
    }
  }

  private void stop(TrainingRun run, Action.StopAttempt stop, List<Pod> existing) {
    for (Pod pod : existing) {
      if (attemptOf(pod) == stop.attempt() && pod.getMetadata().getDeletionTimestamp() == null) {
        // the pod's own grace: the one its trainer was configured with
        Long podGrace =
            pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
        long grace =
            !stop.preemptCheckpoint()
                ? 0
                : podGrace != null ? podGrace : settings.preemptGracePeriod().toSeconds();
        client
            .pods()
            .inNamespace(run.getMetadata().getNamespace())
            .resource(pod)
            .withGracePeriod(grace)
            .delete();
        LOG.infof("%s: stopping attempt %d (%s)", name(run), stop.attempt(), stop.reason());
      }
    }
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
    String reason =
        state.reason() == null && state.message() == null
            ? null
            : (state.exitCode() == null
                ? state.describe()
                : state.describe().replaceFirst("^exit -?\\d+ ?", ""));
    return new TrainerObservation(attemptOf(pod), phase, state.exitCode(), reason);
  }

  static int attemptOf(Pod pod) {
    String attempt = pod.getMetadata().getLabels().get(TrainerLabels.ATTEMPT);
    return attempt == null ? 0 : Integer.parseInt(attempt);
  }

  private static String name(TrainingRun run) {
    return run.getMetadata().getName();
  }
}

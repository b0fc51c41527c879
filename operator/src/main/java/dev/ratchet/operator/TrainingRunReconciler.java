package dev.ratchet.operator;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.platform.SupervisionLoop;
import dev.ratchet.core.platform.SupervisorMetrics;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.PlatformDefaults;
import dev.ratchet.core.supervisor.RunContext;
import dev.ratchet.core.supervisor.Supervisor;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reconciles a TrainingRun: one turn of the core {@link SupervisionLoop} over its trainer pods (the
 * {@link KubernetesPlatform}), then the decided status through the status subresource; and, when
 * the run is deleted, its checkpoints if the spec asks so.
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

  private final KubernetesClient client;
  private final OperatorConfig settings;
  private final ProgressClient progress;
  private final RunStorage storage;
  private final SupervisorMetrics metrics;
  private final SupervisionLoop loop;
  private final TrainerPodFactory pods;
  private final EventRecorder events;

  public TrainingRunReconciler(
      KubernetesClient client,
      OperatorConfig settings,
      ProgressClient progress,
      RunStorage storage,
      SupervisorMetrics metrics,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.progress = progress;
    this.storage = storage;
    this.metrics = metrics;
    this.pods = new TrainerPodFactory(settings);
    Supervisor supervisor =
        new Supervisor(
            new PlatformDefaults(
                settings.storage().endpoint().orElse(null),
                false,
                settings.trainerPort(),
                settings.preemptGracePeriod().toSeconds()));
    this.loop = new SupervisionLoop(supervisor, metrics, clock);
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

  /** One turn of the supervision loop over the run's trainer pods. */
  UpdateControl<TrainingRun> reconcile(TrainingRun run, List<Pod> podsOfRun) {
    KubernetesPlatform platform =
        new KubernetesPlatform(run, podsOfRun, client, settings, progress, storage, pods, events);
    TrainingRunStatus status = loop.turn(RunContext.of(run), run.getStatus(), platform).status();
    run.setStatus(status);
    UpdateControl<TrainingRun> control = UpdateControl.patchStatus(run);
    if (status.state == null || !status.state.isFinal()) {
      control.rescheduleAfter(settings.pollInterval());
    }
    return control;
  }

  @Override
  public DeleteControl cleanup(TrainingRun run, Context<TrainingRun> context) {
    metrics.forget(run.getMetadata().getNamespace(), run.getMetadata().getName());
    if (!run.getSpec().checkpoints.deleteOnRunDeletion) {
      return DeleteControl.defaultDelete();
    }
    // A trainer still running (or terminating) would commit checkpoints after the clean-up: stop
    // them first, at once (their checkpoints are about to go; graceful, so the pod stays visible
    // until its container has stopped), and clean up once they are gone.
    // (the informer maps trainer pods to their run by owner, as reconcile reads them)
    Set<Pod> trainers = context.getSecondaryResources(Pod.class);
    if (!trainers.isEmpty()) {
      for (Pod trainer : trainers) {
        if (trainer.getMetadata().getDeletionTimestamp() == null) {
          client
              .pods()
              .inNamespace(run.getMetadata().getNamespace())
              .resource(trainer)
              .withGracePeriod(1)
              .delete();
        }
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
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
}

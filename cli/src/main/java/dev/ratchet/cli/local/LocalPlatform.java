package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.platform.EpisodeRecords;
import dev.ratchet.core.platform.ProgressReader;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.S3CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.Decision;
import dev.ratchet.core.supervisor.Observation;
import dev.ratchet.core.supervisor.PlatformDefaults;
import dev.ratchet.core.supervisor.RunContext;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.TrainerObservation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local mode's platform: the same observe → decide → act → record loop as the operator, over
 * trainer child processes, an embedded S3 server and a status file.
 */
public final class LocalPlatform {

  public static final String NAMESPACE = "local";

  /** The run as given, kept so that status, checkpoints and reports can read it later. */
  public static final String RUN_FILE = "trainingrun.yaml";

  public static final String STATUS_FILE = "status.yaml";
  public static final String ROLLBACK_FILE = "rollback.yaml";
  static final Duration POLL = Duration.ofSeconds(1);
  static final long PREEMPT_GRACE_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrainingRun run;
  private final Path runDir;
  private final Path trainerJar;
  private final EmbeddedS3Server s3;
  private final StatusFile statusFile;
  private final RollbackRequestFile rollbackRequest;
  private final ProgressPrinter printer;
  private final Clock clock;
  private final Supervisor supervisor;
  private final SupervisorMetrics metrics;
  private final ProgressReader progress = new ProgressReader();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private volatile TrainerProcess trainer;
  private Instant storageDownSince;

  LocalPlatform(
      TrainingRun run,
      Path runDir,
      Path trainerJar,
      EmbeddedS3Server s3,
      ProgressPrinter printer,
      Clock clock) {
    this.run = run;
    this.runDir = runDir;
    this.trainerJar = trainerJar;
    this.s3 = s3;
    this.statusFile = new StatusFile(runDir.resolve(STATUS_FILE));
    this.rollbackRequest = new RollbackRequestFile(runDir.resolve(ROLLBACK_FILE));
    this.printer = printer;
    this.clock = clock;
    this.metrics = new SupervisorMetrics(NAMESPACE, run.getMetadata().getName());
    // Every attempt stores in the embedded server, whatever endpoint the YAML names, and serves
    // its HTTP endpoints on one free port (attempts never overlap).
    this.supervisor =
        new Supervisor(
            new PlatformDefaults(s3.endpoint(), true, freePort(), PREEMPT_GRACE_SECONDS));
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The supervisor's series, served with the trainer's on the local metrics port. */
  SupervisorMetrics metrics() {
    return metrics;
  }

  /** Ctrl-C: the trainer writes a preempt checkpoint and the run is left Suspended. */
  void requestStop() {
    stopRequested.set(true);
  }

  /** Whether Ctrl-C asked the run to stop. */
  boolean stopRequested() {
    return stopRequested.get();
  }

  /** The HTTP port of the running trainer, or -1. */
  int trainerPort() {
    TrainerProcess t = trainer;
    return t != null && t.alive() ? t.port() : -1;
  }

  /** Runs until the run ends (or is suspended by a stop request); returns the last status. */
  TrainingRunStatus run() throws Exception {
    TrainingRunSpec spec = run.getSpec();
    CheckpointStore store =
        new S3CheckpointStore(
            s3.client(),
            spec.checkpoints.storage.bucket,
            spec.checkpoints.storage.prefix,
            NAMESPACE,
            run.getMetadata().getName());
    TrainingRunStatus status = statusFile.read();
    while (true) {
      boolean stopping = stopRequested.get();
      // The spec as the user and the platform's events express it this turn: Ctrl-C suspends, a
      // `ratchet rollback --workdir` asks for a rollback (a no-op until the nonce changes, as on a
      // cluster). The run's own spec is never changed.
      TrainingRunSpec effective = JSON.convertValue(spec, TrainingRunSpec.class);
      effective.suspend = stopping;
      ManualRollbackSpec requested = rollbackRequest.read();
      if (requested != null) {
        effective.rollback = requested;
      }
      // The trainer before the storage: a trainer seen exited has committed everything it will
      // (it awaits its last upload before exiting), so the listing holds its final checkpoint.
      TrainerObservation observed = trainer == null ? null : trainer.observe();
      ProgressReader.Reply reply =
          trainer != null && trainer.alive()
              ? progress.read("127.0.0.1", trainer.port(), Supervisor.judgedThrough(status))
              : ProgressReader.Reply.NONE;
      ProgressReport report = reply.report();
      Observation observation;
      try {
        CheckpointStore.Listing listing = store.list();
        observation =
            new Observation(
                observed,
                report,
                listing.committed(),
                listing.rejected().stream().map(CheckpointStore.Rejected::id).toList(),
                EpisodeRecords.of(status, observed, report, store),
                reply.problem());
      } catch (StorageException e) {
        // Nothing can be decided without the checkpoints: wait for storage, as the operator does.
        // The trainer keeps training and retries its own uploads meanwhile.
        storageOutage(e);
        Thread.sleep(POLL.toMillis());
        continue;
      }
      if (storageDownSince != null) {
        printer.event(
            "StorageBack",
            "storage answers again after "
                + Duration.between(storageDownSince, Instant.now(clock)).toSeconds()
                + " s");
        storageDownSince = null;
      }
      Decision decision =
          supervisor.decide(
              new RunContext(NAMESPACE, run.getMetadata().getName(), 1L, effective),
              status,
              observation,
              Instant.now(clock));
      for (Action action : decision.actions()) {
        carryOut(action, store);
      }
      status = decision.status();
      statusFile.write(status);
      metrics.status(effective, status);
      printer.progress(status, report, Instant.now(clock));
      boolean trainerAlive = trainer != null && trainer.alive();
      // A trainer that exited only while this decision was carried out (a stop waits for it) may
      // have committed a last checkpoint after the listing: one more turn records it.
      boolean goneWhenObserved = observed == null || !observed.active();
      if (!trainerAlive
          && goneWhenObserved
          && (status.state.isFinal() || (stopping && status.state == RunState.SUSPENDED))) {
        return status;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Says once that storage cannot be read, and since when. */
  private void storageOutage(StorageException e) {
    if (storageDownSince == null) {
      storageDownSince = Instant.now(clock);
      printer.event(
          "StorageUnavailable",
          "cannot read the run's storage, deciding nothing until it answers: " + e.getMessage());
    }
  }

  private void carryOut(Action action, CheckpointStore store) throws Exception {
    if (action instanceof Action.StartAttempt start) {
      if (trainer != null && trainer.attempt() == start.attempt()) {
        return; // already started
      }
      Path attemptDir = runDir.resolve(String.format(Locale.ROOT, "attempt-%04d", start.attempt()));
      trainer =
          TrainerProcess.start(
              trainerJar,
              attemptDir,
              start.config(),
              EmbeddedS3Server.ACCESS_KEY,
              EmbeddedS3Server.SECRET_KEY);
      printer.event(
          "Started",
          "attempt "
              + start.attempt()
              + " ("
              + start.config().phase()
              + "), log "
              + attemptDir.resolve("trainer.log"));
    } else if (action instanceof Action.StopAttempt stop) {
      if (trainer != null && trainer.attempt() == stop.attempt() && trainer.alive()) {
        printer.event("Stopping", "attempt " + stop.attempt() + ": " + stop.reason());
        trainer.stop(stop.preemptCheckpoint());
      }
    } else if (action instanceof Action.DeleteCheckpoints delete) {
      try {
        for (String id : delete.ids()) {
          store.delete(id);
        }
      } catch (StorageException e) {
        // retention asks again on the next turn
        storageOutage(e);
      }
    } else if (action instanceof Action.EmitEvent event) {
      metrics.event(event.type());
      printer.event(event.type().reason(), event.message());
    }
  }
}

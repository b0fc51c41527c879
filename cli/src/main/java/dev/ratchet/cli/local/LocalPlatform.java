package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.StorageSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.runs.LocalRunSource;
import dev.ratchet.cli.runs.RunSourceException;
import dev.ratchet.core.platform.Platform;
import dev.ratchet.core.platform.ProgressReader;
import dev.ratchet.core.platform.SupervisionLoop;
import dev.ratchet.core.platform.SupervisorMetrics;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.S3CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.PlatformDefaults;
import dev.ratchet.core.supervisor.RunContext;
import dev.ratchet.core.supervisor.SourceRun;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.SuspendWording;
import dev.ratchet.core.supervisor.TrainerObservation;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local mode's platform: the operator's {@link SupervisionLoop} over trainer child processes,
 * an embedded S3 server, a status file and printed events.
 */
public final class LocalPlatform implements Platform {

  public static final String NAMESPACE = "local";

  /** The run as given, kept so that status, checkpoints and reports can read it later. */
  public static final String RUN_FILE = "trainingrun.yaml";

  public static final String STATUS_FILE = "status.yaml";
  public static final String ROLLBACK_FILE = "rollback.yaml";
  static final Duration POLL = Duration.ofSeconds(1);
  static final long PREEMPT_GRACE_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A local run is suspended by Ctrl-C and resumed by running the command again. */
  static final SuspendWording SUSPEND_WORDING =
      new SuspendWording(
          "Ctrl-C",
          "the command was run again",
          "run the same command again to resume from the latest checkpoint");

  private final TrainingRun run;
  private final Path runDir;
  private final Path trainerJar;
  private final EmbeddedS3Server s3;
  private final StatusFile statusFile;
  private final RollbackRequestFile rollbackRequest;
  private final ProgressPrinter printer;
  private final Clock clock;
  private final SupervisionLoop loop;
  private final LocalMetrics metrics;
  private final CheckpointStore store;
  private final ProgressReader progress = new ProgressReader();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private volatile TrainerProcess trainer;

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
    this.metrics = new LocalMetrics();
    // Every attempt stores in the embedded server, whatever endpoint the YAML names, and serves
    // its HTTP endpoints on one free port (attempts never overlap).
    Supervisor supervisor =
        new Supervisor(
            new PlatformDefaults(
                s3.endpoint(), true, freePort(), PREEMPT_GRACE_SECONDS, SUSPEND_WORDING));
    this.loop = new SupervisionLoop(supervisor, new SupervisorMetrics(metrics), clock);
    this.store = storeOf(run.getSpec().checkpoints.storage, run.getMetadata().getName());
  }

  /** A local run's checkpoints, in the embedded server. */
  private CheckpointStore storeOf(StorageSpec storage, String name) {
    return new S3CheckpointStore(
        LocalRunSource.access(s3).client(), storage.bucket, storage.prefix, NAMESPACE, name);
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The supervisor's series, served with the trainer's on the local metrics port. */
  LocalMetrics metrics() {
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
      SupervisionLoop.Result turn =
          loop.turn(
              new RunContext(NAMESPACE, run.getMetadata().getName(), 1L, effective), status, this);
      status = turn.status();
      statusFile.write(status);
      printer.turnEnded(turn.progress());
      boolean trainerAlive = trainer != null && trainer.alive();
      // A trainer that exited only while this decision was carried out (a stop waits for it) may
      // have committed a last checkpoint after the listing: one more turn records it.
      boolean goneWhenObserved = turn.trainer() == null || !turn.trainer().active();
      if (!trainerAlive
          && goneWhenObserved
          && (status.state.isFinal() || (stopping && status.state == RunState.SUSPENDED))) {
        return status;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  @Override
  public TrainerObservation trainer() {
    return trainer == null ? null : trainer.observe();
  }

  @Override
  public ProgressReader.Reply progress(TrainerObservation observed, long after) {
    TrainerProcess t = trainer;
    return t != null && t.attempt() == observed.attempt()
        ? progress.read("127.0.0.1", t.port(), after)
        : ProgressReader.Reply.NONE;
  }

  @Override
  public CheckpointStore storage() {
    return store;
  }

  @Override
  public SourceRun sourceRun(String name) {
    Path workdir = runDir.getParent();
    if (!Files.isRegularFile(workdir.resolve(name).resolve(RUN_FILE))) {
      return SourceRun.missing(name);
    }
    TrainingRun source;
    try {
      source = new LocalRunSource(workdir).read(name);
    } catch (RunSourceException e) {
      return new SourceRun(name, null, null, List.of(), e.getMessage());
    }
    try {
      List<String> committed =
          storeOf(source.getSpec().checkpoints.storage, name).list().committed().stream()
              .map(CheckpointManifest::id)
              .toList();
      return new SourceRun(name, source.getSpec(), source.getStatus(), committed, null);
    } catch (StorageException e) {
      return SourceRun.unlisted(name, source.getSpec(), source.getStatus(), e.getMessage());
    }
  }

  @Override
  public void start(Action.StartAttempt start) {
    if (trainer != null && trainer.attempt() == start.attempt()) {
      return; // already started
    }
    Path attemptDir = runDir.resolve(String.format(Locale.ROOT, "attempt-%04d", start.attempt()));
    try {
      trainer =
          TrainerProcess.start(
              trainerJar,
              attemptDir,
              start.config(),
              EmbeddedS3Server.ACCESS_KEY,
              EmbeddedS3Server.SECRET_KEY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    printer.event(
        "Started",
        "attempt "
            + start.attempt()
            + " ("
            + start.config().phase()
            + "), log "
            + attemptDir.resolve("trainer.log"));
  }

  @Override
  public void stop(Action.StopAttempt stop) {
    if (trainer != null && trainer.attempt() == stop.attempt() && trainer.alive()) {
      printer.event("Stopping", "attempt " + stop.attempt() + ": " + stop.reason());
      try {
        trainer.stop(stop.preemptCheckpoint());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the brain asks again while it is alive
      }
    }
  }

  @Override
  public void event(EventType type, String message) {
    printer.event(type.reason(), message);
  }
}

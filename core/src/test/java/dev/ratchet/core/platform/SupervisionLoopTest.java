package dev.ratchet.core.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.storage.StorageException;
import dev.ratchet.core.supervisor.Action;
import dev.ratchet.core.supervisor.EventType;
import dev.ratchet.core.supervisor.RunContext;
import dev.ratchet.core.supervisor.SourceRun;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.TrainerObservation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one loop both platforms run, over a platform in memory. */
class SupervisionLoopTest {

  private final ScriptedPlatform platform = new ScriptedPlatform();
  private final RecordingSink sink = new RecordingSink();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private TrainingRunStatus status;

  @Test
  void aStorageOutageDecidesNothingSaysSoOnceAndEndsWithHowLongItLasted() {
    platform.storageProblem = "connection refused: http://minio:9000";

    turn();
    turn();

    assertThat(platform.started).isEmpty();
    assertThat(platform.eventsOf(EventType.STORAGE_UNAVAILABLE))
        .singleElement()
        .asString()
        .contains("connection refused");
    assertThat(status.state).isEqualTo(RunState.PENDING);
    assertThat(status.message)
        .isEqualTo("Waiting for the run's storage: " + platform.storageProblem);
    assertThat(condition("StorageAvailable")).isEqualTo("False");

    now = now.plusSeconds(42);
    platform.storageProblem = null;
    turn();

    assertThat(platform.eventsOf(EventType.STORAGE_BACK))
        .singleElement()
        .asString()
        .contains("after 42 s");
    assertThat(platform.started).extracting(Action.StartAttempt::attempt).containsExactly(1);
    assertThat(condition("StorageAvailable")).isEqualTo("True");
    assertThat(status.message).doesNotStartWith("Waiting for the run's storage");
  }

  @Test
  void aStartTheApiRefusesReachesStatusAndAnEventAndIsAskedForAgain() {
    platform.startFailure = "pods \"quick-a1\" is forbidden: exceeded quota";

    turn();

    assertThat(platform.eventsOf(EventType.ACTION_FAILED))
        .singleElement()
        .asString()
        .isEqualTo("could not start attempt 1: " + platform.startFailure);
    assertThat(status.message)
        .isEqualTo("Could not start attempt 1: " + platform.startFailure + ".");

    platform.startFailure = null;
    turn();

    assertThat(platform.started).extracting(Action.StartAttempt::attempt).containsExactly(1);
  }

  @Test
  void theTrainerIsObservedBeforeTheCheckpointsAreListed() {
    // a trainer seen exited has committed all it will, so the listing after it holds its last one
    turn();
    platform.calls.clear();
    platform.trainer = TrainerObservation.running(1);

    turn();

    assertThat(platform.calls).containsSubsequence("trainer", "progress", "storage");
  }

  @Test
  void everyCounterStartsAtZeroAndTheInfoSeriesCarriesStateAndPhase() {
    turn();

    assertThat(sink.counts)
        .containsEntry("ratchet_restarts_total{namespace=lab, run=quick}", 0.0)
        .containsEntry("ratchet_rollbacks_total{namespace=lab, run=quick, reason=divergence}", 0.0);
    assertThat(sink.gauges)
        .containsKey(
            "ratchet_trainingrun_info{namespace=lab, run=quick, state=Running, phase=train}");
  }

  private void turn() {
    SupervisionLoop loop =
        new SupervisionLoop(
            new Supervisor(), new SupervisorMetrics(sink), Clock.fixed(now, ZoneOffset.UTC));
    status = loop.turn(run(), status, platform).status();
  }

  private String condition(String type) {
    return status.conditions.stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow()
        .getStatus();
  }

  private static RunContext run() {
    try {
      TrainingRun run =
          new ObjectMapper(new YAMLFactory())
              .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
              .readValue(
                  Path.of("..", "examples", "cartpole-quickstart.yaml").toFile(),
                  TrainingRun.class);
      return new RunContext("lab", "quick", 1L, run.getSpec());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A platform in memory: one trainer slot, an empty store, and failures on demand. */
  private static final class ScriptedPlatform implements Platform {
    final List<String> calls = new ArrayList<>();
    final List<Action.StartAttempt> started = new ArrayList<>();
    final Map<EventType, List<String>> events = new LinkedHashMap<>();
    TrainerObservation trainer;
    String storageProblem;
    String startFailure;

    List<String> eventsOf(EventType type) {
      return events.getOrDefault(type, List.of());
    }

    @Override
    public TrainerObservation trainer() {
      calls.add("trainer");
      return trainer;
    }

    @Override
    public ProgressReader.Reply progress(TrainerObservation observed, long after) {
      calls.add("progress");
      return ProgressReader.Reply.NONE;
    }

    @Override
    public SourceRun sourceRun(String name) {
      calls.add("sourceRun " + name);
      return SourceRun.missing(name);
    }

    @Override
    public CheckpointStore storage() {
      calls.add("storage");
      if (storageProblem != null) {
        throw new StorageException(storageProblem, null);
      }
      return new CheckpointStore() {
        @Override
        public Listing list() {
          return new Listing(List.of(), List.of(), List.of());
        }

        @Override
        public String verify(String checkpointId) {
          return null;
        }

        @Override
        public List<EpisodeRecord> episodes(int attempt) {
          return List.of();
        }

        @Override
        public void delete(String checkpointId) {}
      };
    }

    @Override
    public void start(Action.StartAttempt start) {
      if (startFailure != null) {
        throw new IllegalStateException(startFailure);
      }
      started.add(start);
    }

    @Override
    public void stop(Action.StopAttempt stop) {}

    @Override
    public void event(EventType type, String message) {
      events.computeIfAbsent(type, t -> new ArrayList<>()).add(message);
    }
  }

  /** The series published, as "name{labels}" keys. */
  private static final class RecordingSink implements MetricsSink {
    final Map<String, Double> counts = new LinkedHashMap<>();
    final Map<String, Double> gauges = new LinkedHashMap<>();

    @Override
    public void count(String name, Map<String, String> labels, double amount) {
      counts.merge(name + labels, amount, Double::sum);
    }

    @Override
    public void gauge(String name, Map<String, String> labels, double value) {
      gauges.put(name + labels, value);
    }

    @Override
    public void remove(String name, Map<String, String> labels) {
      gauges.remove(name + labels);
      counts.remove(name + labels);
    }
  }
}

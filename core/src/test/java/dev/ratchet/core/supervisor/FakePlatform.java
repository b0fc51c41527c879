package dev.ratchet.core.supervisor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A platform in memory that carries out the brain's actions: one simulated trainer that replays a
 * recorded metric series, writes checkpoints like the real trainer, and records every invariant the
 * brain breaks (two trainers at once, a referenced checkpoint deleted).
 */
final class FakePlatform {

  /** The windowed stats a recorded run showed at an episode, given the attempt's config. */
  interface Series {
    Sample at(long episode, TrainerConfig config);
  }

  /** One point of a series: windowed means, and the spread of the episodes in the window. */
  record Sample(
      double score,
      double reward,
      Double alpha,
      double gradNorm,
      boolean nonFinite,
      double scoreStd,
      double rewardStd,
      List<Double> usage) {

    /** A point whose episodes hardly vary (standard deviation 0.05). */
    Sample(double score, double reward, Double alpha, double gradNorm, boolean nonFinite) {
      this(score, reward, alpha, gradNorm, nonFinite, 0.05, 0.05, null);
    }

    /** A point without expert usage. */
    Sample(
        double score,
        double reward,
        Double alpha,
        double gradNorm,
        boolean nonFinite,
        double scoreStd,
        double rewardStd) {
      this(score, reward, alpha, gradNorm, nonFinite, scoreStd, rewardStd, null);
    }

    static Sample of(double score, double reward) {
      return new Sample(score, reward, null, 0.3, false);
    }
  }

  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Reads an example's spec (binding only; the examples are validated elsewhere). */
  static TrainingRunSpec example(String file) {
    try {
      return YAML.readValue(Path.of("..", "examples", file).toFile(), TrainingRun.class).getSpec();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  final Supervisor supervisor;
  final TrainingRunSpec spec;
  RunContext run;
  TrainingRunStatus status;
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  Series series;
  double episodesPerMinute = 10;

  /**
   * What the checkpoint written at an episode scores in evaluation (spec.evaluation), or null when
   * the run evaluates nothing. Like the real trainer, each checkpoint but a preempt one is
   * evaluated, and each record's window carries the newest evaluation.
   */
  Series evaluation;

  EvaluationResult lastEvaluation;

  /** Whether the fake trainer serves per-episode records, as the real one does. */
  boolean servesEpisodes = true;

  /** A stopped process (SIGSTOP): alive, trains nothing, answers nothing. */
  boolean frozen;

  /** What the trainer's progress report goes through before the brain sees it (bad data drills). */
  java.util.function.UnaryOperator<ProgressReport> tamper = r -> r;

  /** What the platform could not read of the trainer's answer, passed to the brain. */
  String progressProblem;

  // the one trainer the platform runs
  int trainerAttempt;
  TrainerPhase trainerPhase;
  Integer exitCode;
  String exitReason;
  TrainerConfig config;
  long episode;
  long attemptStart;
  long nonFinite;

  final TreeMap<String, CheckpointManifest> storage = new TreeMap<>();

  /** The per-episode records each attempt left in storage. */
  final Map<Integer, List<EpisodeRecord>> records = new TreeMap<>();

  final TreeSet<String> rejected = new TreeSet<>();
  final List<Decision> decisions = new ArrayList<>();
  final List<Action> actions = new ArrayList<>();
  final List<String> violations = new ArrayList<>();
  final Map<Integer, TrainerConfig> started = new LinkedHashMap<>();

  /** The run spec.initFrom.run names, as the platform would find it; null when never looked up. */
  SourceRun source;

  FakePlatform(TrainingRunSpec spec, Series series) {
    this(spec, series, new Supervisor());
  }

  /** A platform whose brain was built with a platform's defaults. */
  FakePlatform(TrainingRunSpec spec, Series series, Supervisor supervisor) {
    this.supervisor = supervisor;
    this.spec = spec;
    this.series = series;
    this.run = new RunContext("ml", "run", 1L, spec);
  }

  /** Trains {@code episodes} more episodes (when a trainer runs), then decides and acts. */
  Decision tick(long episodes) {
    advance(episodes);
    return decideAndApply();
  }

  Decision decideAndApply() {
    Decision d = supervisor.decide(run, status, observe(), now);
    decisions.add(d);
    apply(d);
    status = d.status();
    return d;
  }

  /** Ticks until the run is final or the limit of ticks is reached. */
  void runUntilFinal(long episodesPerTick, int maxTicks) {
    for (int i = 0; i < maxTicks; i++) {
      tick(episodesPerTick);
      if (status.state != null && status.state.isFinal() && !trainerActive()) {
        return;
      }
    }
  }

  /** Ticks 50 episodes at a time until the status satisfies {@code done} (or 400 ticks). */
  void runUntil(java.util.function.Predicate<TrainingRunStatus> done) {
    for (int i = 0; i < 400 && (status == null || !done.test(status)); i++) {
      tick(50);
    }
  }

  /** Decides until a crashed or stopped trainer has been replaced by a running one. */
  void settle() {
    for (int i = 0; i < 100; i++) {
      decideAndApply();
      if (trainerPhase == TrainerPhase.RUNNING) {
        return;
      }
      now = now.plusSeconds(30);
      advance(0);
    }
  }

  boolean trainerActive() {
    return trainerPhase != null && trainerPhase.active();
  }

  void crash(int code, String reason) {
    trainerPhase = TrainerPhase.FAILED;
    exitCode = code;
    exitReason = reason;
  }

  void advance(long episodes) {
    now = now.plus(Duration.ofSeconds((long) (episodes * 60 / episodesPerMinute)));
    if (trainerPhase == TrainerPhase.PENDING) {
      trainerPhase = TrainerPhase.RUNNING;
      return;
    }
    if (trainerPhase != TrainerPhase.RUNNING || frozen) {
      return;
    }
    for (long k = 0; k < episodes; k++) {
      episode++;
      Sample s = series.at(episode, config);
      if (s.nonFinite()) {
        nonFinite++;
      }
      record(s);
      if (episode >= config.untilEpisode()) {
        write(CheckpointKind.PHASE_END);
        trainerPhase = TrainerPhase.SUCCEEDED;
        exitCode = 0;
        return;
      }
      if (episode % spec.checkpoints.everyEpisodes == 0) {
        write(CheckpointKind.PERIODIC);
      }
    }
  }

  void write(CheckpointKind kind) {
    Sample s = series.at(episode, config);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("scoreMean", s.score());
    metrics.put("rewardMean", s.reward());
    if (s.alpha() != null) {
      metrics.put("alphaEntropy", s.alpha());
    }
    metrics.put("gradNorm", s.gradNorm());
    String id = StorageLayout.checkpointId(episode, trainerAttempt);
    EvaluationResult evaluated = null;
    if (evaluation != null && kind != CheckpointKind.PREEMPT) {
      Sample e = evaluation.at(episode, config);
      evaluated =
          new EvaluationResult(
              id, episode, 10, true, 43, e.score(), e.scoreStd(), e.reward(), 100, 1);
      metrics.put("evalScoreMean", e.score());
      metrics.put("evalSuccessRate", e.reward());
      lastEvaluation = evaluated;
    }
    storage.put(
        id,
        new CheckpointManifest(
            1,
            id,
            "ml",
            "run",
            trainerAttempt,
            config.phase(),
            config.phaseIndex(),
            episode,
            episode * 1150,
            kind,
            now.toString(),
            metrics,
            false,
            List.of(),
            idOf(config.resumeFrom()),
            null,
            evaluated));
  }

  private void record(Sample s) {
    int window = (int) Math.min(config.metricsWindow(), episode - attemptStart);
    records
        .computeIfAbsent(trainerAttempt, a -> new ArrayList<>())
        .add(
            new EpisodeRecord(
                episode,
                s.score(),
                s.reward(),
                100,
                config.phase(),
                trainerAttempt,
                episode * 1150,
                now.toString(),
                s.alpha(),
                s.usage(),
                null,
                new EpisodeRecord.Window(
                    window,
                    s.score(),
                    s.scoreStd(),
                    s.reward(),
                    s.rewardStd(),
                    s.gradNorm(),
                    nonFinite,
                    null,
                    lastEvaluation == null ? null : lastEvaluation.episodes(),
                    lastEvaluation == null ? null : lastEvaluation.scoreMean(),
                    lastEvaluation == null ? null : lastEvaluation.scoreStd(),
                    lastEvaluation == null ? null : lastEvaluation.successRate(),
                    lastEvaluation == null ? null : lastEvaluation.episode()),
                null));
  }

  /** The trainer's records after the episode the brain has judged through. */
  private List<EpisodeRecord> unjudgedRecords() {
    long after = Supervisor.judgedThrough(status);
    return records.getOrDefault(trainerAttempt, List.of()).stream()
        .filter(r -> r.episode() > after)
        .toList();
  }

  Observation observe() {
    TrainerObservation trainer =
        trainerPhase == null
            ? null
            : new TrainerObservation(trainerAttempt, trainerPhase, exitCode, exitReason);
    ProgressReport progress = null;
    if (trainerPhase == TrainerPhase.RUNNING && episode > attemptStart && !frozen) {
      Sample s = series.at(episode, config);
      int window = (int) Math.min(config.metricsWindow(), episode - attemptStart);
      progress =
          new ProgressReport(
              trainerAttempt,
              config.phase(),
              episode,
              episode * 1150,
              config.untilEpisode(),
              window,
              s.score(),
              s.scoreStd(),
              s.score() * 1.5,
              s.reward(),
              s.alpha(),
              s.gradNorm(),
              config.ppo().learningRate,
              episodesPerMinute,
              nonFinite,
              null,
              ProgressReport.TrainerState.TRAINING,
              now.toString(),
              List.of(),
              null,
              null,
              lastEvaluation);
      progress = tamper.apply(progress);
    }
    // A live trainer's records come with its report; an ended one's from storage.
    List<EpisodeRecord> episodes =
        !servesEpisodes || trainerPhase == null || trainerPhase == TrainerPhase.PENDING
            ? List.of()
            : unjudgedRecords();
    if (progress == null && trainerPhase == TrainerPhase.RUNNING) {
      episodes = List.of();
    }
    Observation seen =
        new Observation(
            trainer,
            progress,
            new ArrayList<>(storage.values()),
            new ArrayList<>(rejected),
            episodes,
            progressProblem);
    // as the supervision loop: the warm start's source only until the run has started from it
    return Supervisor.needsWarmStartSource(run.spec(), status)
        ? seen.withWarmStartSource(source)
        : seen;
  }

  void apply(Decision d) {
    Set<String> referenced = new HashSet<>();
    Supervisor.referenced(d.status(), referenced);
    for (Action action : d.actions()) {
      actions.add(action);
      if (action instanceof Action.StartAttempt start) {
        start(start);
      } else if (action instanceof Action.StopAttempt stop) {
        if (stop.attempt() == trainerAttempt && trainerActive()) {
          if (stop.preemptCheckpoint() && trainerPhase == TrainerPhase.RUNNING && !frozen) {
            write(CheckpointKind.PREEMPT);
          }
          trainerPhase = frozen ? TrainerPhase.FAILED : TrainerPhase.SUCCEEDED;
          exitCode = frozen ? 137 : 0; // a stopped process ignores SIGTERM: it is killed
          frozen = false;
        }
      } else if (action instanceof Action.DeleteCheckpoints delete) {
        for (String id : delete.ids()) {
          if (referenced.contains(id)) {
            violations.add("deleted referenced checkpoint " + id);
          }
          storage.remove(id);
        }
      }
    }
  }

  private void start(Action.StartAttempt start) {
    if (trainerActive() && trainerAttempt == start.attempt()) {
      return; // create-if-absent: it already runs
    }
    if (trainerActive()) {
      violations.add(
          "attempt " + start.attempt() + " started while attempt " + trainerAttempt + " runs");
    }
    TrainerConfig previous = started.putIfAbsent(start.attempt(), start.config());
    if (previous != null
        && !IdempotencyTest.json(previous).equals(IdempotencyTest.json(start.config()))) {
      violations.add(
          "attempt "
              + start.attempt()
              + " re-issued with a different config: "
              + previous
              + " vs "
              + start.config());
    }
    trainerAttempt = start.attempt();
    trainerPhase = TrainerPhase.PENDING;
    exitCode = null;
    exitReason = null;
    config = start.config();
    nonFinite = 0;
    lastEvaluation = null; // the newest evaluation is the attempt's own
    String uri = config.resumeFrom();
    episode = 0;
    if (uri != null) {
      String id = uri.substring(uri.lastIndexOf("/ep-") + 1).replace("/", "");
      CheckpointManifest from = storage.get(id);
      if (from == null) {
        violations.add("attempt resumes from a missing checkpoint " + id);
      } else {
        episode = from.episode();
      }
    }
    attemptStart = episode;
  }

  List<HistoryEntry> history(HistoryType type) {
    return status.history.stream().filter(h -> h.type == type).toList();
  }

  <A extends Action> List<A> all(Class<A> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Action.EmitEvent> events(EventType type) {
    return all(Action.EmitEvent.class).stream().filter(e -> e.type() == type).toList();
  }

  static String idOf(String uri) {
    return uri == null ? null : uri.substring(uri.lastIndexOf("/ep-") + 1).replace("/", "");
  }
}

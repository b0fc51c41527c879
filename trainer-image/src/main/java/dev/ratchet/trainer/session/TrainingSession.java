package dev.ratchet.trainer.session;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.NumberText;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.trainer.checkpoint.AgentCodec;
import dev.ratchet.trainer.checkpoint.CheckpointFolders;
import dev.ratchet.trainer.checkpoint.CheckpointRefusedException;
import dev.ratchet.trainer.checkpoint.LoadedCheckpoint;
import dev.ratchet.trainer.env.EnvFactory;
import dev.ratchet.trainer.env.VecEnv;
import dev.ratchet.trainer.policy.AlphaEntropyController;
import dev.ratchet.trainer.policy.RouterSchedule;
import dev.ratchet.trainer.policy.RouterSettings;
import dev.ratchet.trainer.policy.RouterStats;
import dev.ratchet.trainer.rl.PpoAgent;
import dev.ratchet.trainer.rl.UpdateStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt: trains from the resume checkpoint (or afresh) until {@code untilEpisode} or a stop
 * request, writing periodic, best, phase-end and preempt checkpoints and the per-episode records.
 * Uploads run on a background thread in submission order; the last one is awaited.
 */
public final class TrainingSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);
  private static final int RECORD_BATCH = 50;

  private final TrainerConfig config;
  private final CheckpointFolders store;
  private final ObjectMapper json;
  private final TrainerMetrics metrics;
  private final PpoAgent agent;
  private final ScoreWindow window;
  private final ScoreWindow bestWindow;
  private final RouterSchedule routerSchedule;
  private final AlphaEntropyController band;
  private final ExecutorService uploads = uploader("checkpoint-upload");

  /**
   * The episode-records file has its own uploader: when storage is slow or gone, its uploads must
   * not hold checkpoint uploads back (they would then never run, never fail, and the checkpoint
   * failure count that alerts on an outage would stay at 0).
   */
  private final ExecutorService recordUploads = uploader("records-upload");

  private static ExecutorService uploader(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private final StringBuilder records = new StringBuilder();
  // The newest records, for readers that ask for the episodes since their last read.
  private final ArrayDeque<EpisodeRecord> recent = new ArrayDeque<>();
  private final AtomicReference<ProgressReport> progress = new AtomicReference<>();
  private final long startNanos = System.nanoTime();
  private volatile boolean stopRequested;
  private Future<?> pendingRecords;
  private java.util.function.LongConsumer episodeListener = episode -> {};
  private volatile ProgressReport.TrainerState state = ProgressReport.TrainerState.STARTING;
  private volatile ProgressReport.CommittedCheckpoint lastCheckpoint;
  private Future<?> lastUpload;
  // The last periodic or best checkpoint submitted, and its kind: while it waits for the upload
  // thread, a newer checkpoint that is at least as good supersedes it.
  private Future<?> pending;
  private CheckpointKind pendingKind;
  private int recordsPending;
  private double bestScoreMean = Double.NaN;
  private long nonFinite;
  private volatile String lastNonFinite;
  // The newest evaluation of this attempt: progress reports it, and each record's window carries
  // it.
  private volatile EvaluationResult lastEvaluation;
  private long startEpisode;
  private UpdateStats lastStats;

  public TrainingSession(
      TrainerConfig config,
      CheckpointFolders store,
      ObjectMapper json,
      TrainerMetrics metrics,
      NDManager manager) {
    this.config = config;
    this.store = store;
    this.json = json;
    this.metrics = metrics;
    VecEnv envs = EnvFactory.create(config.environment(), config.evaluation() != null);
    this.agent = new PpoAgent(envs, config.model(), config.environment().seed, manager);
    this.window = new ScoreWindow(Math.max(1, config.metricsWindow()));
    this.bestWindow = new ScoreWindow(Math.max(1, config.checkpoints().bestWindow()));
    this.routerSchedule = RouterSchedule.of(config);
    this.band = routerSchedule.bandController();
    publishProgress();
  }

  /** Loads {@code resumeFrom}, when set; a missing or corrupt checkpoint throws. */
  public void resume() throws IOException {
    if (config.resumeFrom() == null || config.resumeFrom().isBlank()) {
      if (config.initFrom() != null && !config.initFrom().isBlank()) {
        warmStart();
      }
      return;
    }
    LoadedCheckpoint c = store.load(config.resumeFrom());
    AgentCodec.SessionCounters counters =
        AgentCodec.decode(c.files(), agent, config.phaseIndex(), band);
    bestScoreMean = counters.bestScoreMean();
    nonFinite = counters.nonFinite();
    startEpisode = agent.episodes();
    LOG.info(
        "resumed from "
            + config.resumeFrom()
            + " at episode "
            + agent.episodes()
            + ", step "
            + agent.envSteps());
    publishProgress();
  }

  /**
   * Evaluates the checkpoint the session resumed from with the config's evaluation, the router set
   * as training would set it at that episode, and trains nothing.
   */
  public EvaluationResult evaluateResumeCheckpoint() {
    if (config.evaluation() == null || config.resumeFrom() == null) {
      throw new IllegalStateException("evaluating a checkpoint needs resumeFrom and evaluation");
    }
    RouterSettings scheduled = routerSchedule.at(agent.episodes());
    agent.policy().setRouter(band == null ? scheduled : band.apply(scheduled));
    return evaluate().forCheckpoint(StorageLayout.checkpointIdOf(config.resumeFrom()));
  }

  /** Takes the network's parameters from the config's initFrom checkpoint, and nothing else. */
  private void warmStart() throws IOException {
    try {
      AgentCodec.decodeParameters(store.load(config.initFrom()).files(), agent);
    } catch (CheckpointRefusedException e) {
      throw new CheckpointRefusedException(
          "spec.initFrom: checkpoint " + config.initFrom() + " refused: " + e.getMessage());
    }
    LOG.info("warm start: parameters from " + config.initFrom());
  }

  /** Asks the loop to stop at the next update boundary and write a preempt checkpoint. */
  public void requestStop() {
    stopRequested = true;
  }

  public PpoAgent agent() {
    return agent;
  }

  public ProgressReport progress() {
    return progress.get();
  }

  /**
   * The progress report with the records of the episodes after {@code after} (at most {@value
   * ProgressReport#EPISODES_LIMIT}, the newest), so a reader judges every episode however seldom it
   * reads.
   */
  public ProgressReport progressAfter(long after) {
    ProgressReport p = progress.get();
    List<EpisodeRecord> since;
    synchronized (recent) {
      since =
          recent.stream().filter(r -> r.episode() > after && r.episode() <= p.episode()).toList();
    }
    return p.withEpisodes(since);
  }

  /**
   * Trains to {@code untilEpisode} (or a stop request), then writes the final, phase-end or preempt
   * checkpoint and waits for every upload.
   *
   * @return the committed last checkpoint
   */
  public CheckpointManifest run() throws IOException {
    state = ProgressReport.TrainerState.TRAINING;
    PpoSpec ppo = config.ppo();
    long lastPeriodicBucket = periodicBucket(agent.episodes());
    while (agent.episodes() < config.untilEpisode() && !stopRequested) {
      double frac = remainingFraction();
      double lr = ppo.annealLearningRate ? ppo.learningRate * frac : ppo.learningRate;
      double clip = ppo.annealClipRange ? ppo.clipRange * frac : ppo.clipRange;
      RouterSettings scheduled = routerSchedule.at(agent.episodes());
      agent.policy().setRouter(band == null ? scheduled : band.apply(scheduled));
      long stepsBefore = agent.envSteps();
      List<VecEnv.Episode> ended = agent.collect(ppo);
      metrics.steps(agent.envSteps() - stepsBefore);
      long episode = agent.episodes() - ended.size();
      for (VecEnv.Episode e : ended) {
        episode++;
        onEpisode(episode, e);
      }
      lastStats = agent.update(ppo, Math.max(lr, 0), Math.max(clip, 1e-8));
      nonFinite += lastStats.nonFinite();
      if (band != null && lastStats.router() != null) {
        band.observe(lastStats.router().alphaEntropy());
      }
      if (lastStats.firstNonFinite() != null) {
        lastNonFinite =
            "episode " + agent.episodes() + ": " + lastStats.firstNonFinite().describe();
        metrics.nonFiniteSource(lastStats.firstNonFinite(), agent.episodes());
        LOG.warn(
            "skipped "
                + lastStats.nonFinite()
                + " non-finite minibatch step(s) in the update at "
                + lastNonFinite
                + " went NaN/Inf first");
      }
      metrics.update(lastStats);
      publishProgress();
      if (stopRequested || agent.episodes() >= config.untilEpisode()) {
        break;
      }
      if (lastStats.nonFinite() > 0) {
        // A window that saw NaN/Inf is never checkpointed; the next clean boundary may be.
        continue;
      }
      long bucket = periodicBucket(agent.episodes());
      if (config.checkpoints().bestMetric().fromEvaluation()) {
        // Evaluation-gated: the checkpoint of each period is evaluated, and is the best when its
        // evaluation beats every earlier one; the noisy training window writes none.
        if (bucket > lastPeriodicBucket) {
          EvaluationResult evaluation = evaluate();
          double value = evaluationMetric(evaluation);
          boolean improved =
              Double.isFinite(value) && (Double.isNaN(bestScoreMean) || value > bestScoreMean);
          if (improved) {
            bestScoreMean = value;
          }
          checkpoint(improved ? CheckpointKind.BEST : CheckpointKind.PERIODIC, evaluation);
          lastPeriodicBucket = bucket;
        }
        continue;
      }
      boolean improved =
          bestWindow.full() && (Double.isNaN(bestScoreMean) || bestMetric() > bestScoreMean);
      if (improved) {
        bestScoreMean = bestMetric();
        // Evaluation keeps the periodic cadence: a best checkpoint between two periods (the
        // window may improve at every update) is not evaluated, so its cost stays bounded.
        checkpoint(CheckpointKind.BEST, bucket > lastPeriodicBucket ? evaluate() : null);
        lastPeriodicBucket = bucket;
      } else if (bucket > lastPeriodicBucket) {
        checkpoint(CheckpointKind.PERIODIC, evaluate());
        lastPeriodicBucket = bucket;
      }
    }
    CheckpointKind kind = stopRequested ? CheckpointKind.PREEMPT : CheckpointKind.PHASE_END;
    state =
        stopRequested
            ? ProgressReport.TrainerState.STOPPING
            : ProgressReport.TrainerState.CHECKPOINTING;
    // A stopping trainer has a grace period to commit in: its preempt checkpoint is not evaluated.
    Future<CheckpointManifest> last = checkpoint(kind, stopRequested ? null : evaluate());
    flushRecords();
    CheckpointManifest committed = await(last);
    await(lastUpload);
    state = ProgressReport.TrainerState.FINISHED;
    publishProgress();
    return committed;
  }

  /**
   * Plays the evaluation episodes with the current policy on fresh, seeded environments; null when
   * the run evaluates nothing.
   */
  private EvaluationResult evaluate() {
    TrainerConfig.EvaluationPolicy e = config.evaluation();
    if (e == null) {
      return null;
    }
    int copies = Math.min(e.episodes(), config.environment().numEnvs);
    VecEnv env = EnvFactory.forEvaluation(config.environment(), copies, e.seed());
    EvaluationResult r;
    try {
      r = agent.evaluate(env, e.episodes(), e.deterministic(), e.seed());
    } finally {
      // an external environment's evaluation copies hold a connection of their own
      env.close();
    }
    lastEvaluation = r;
    metrics.evaluation(r);
    LOG.info(
        "evaluated episode "
            + r.episode()
            + ": score "
            + NumberText.of(r.scoreMean())
            + " ± "
            + NumberText.of(r.scoreStd())
            + ", success "
            + NumberText.of(100 * r.successRate())
            + " % over "
            + r.episodes()
            + (r.deterministic() ? " greedy" : " sampled")
            + " episodes in "
            + NumberText.of(r.seconds())
            + " s");
    return r;
  }

  /** The evaluation figure the run ranks by (an evaluation metric is its best metric). */
  private double evaluationMetric(EvaluationResult e) {
    if (e == null) {
      return Double.NaN;
    }
    if (config.checkpoints().bestMetric() == RunMetric.EVAL_SUCCESS_RATE) {
      return e.successRate() == null ? Double.NaN : e.successRate();
    }
    return e.scoreMean();
  }

  private double bestMetric() {
    RunMetric m = config.checkpoints().bestMetric();
    return m == RunMetric.REWARD_MEAN ? bestWindow.mean(1) : bestWindow.mean(0);
  }

  private long periodicBucket(long episodes) {
    long every = config.checkpoints().everyEpisodes();
    return every > 0 ? episodes / every : 0;
  }

  private double remainingFraction() {
    long span = config.untilEpisode() - config.phaseStartEpisode();
    if (span <= 0) {
      return 1.0;
    }
    double done = (double) (agent.episodes() - config.phaseStartEpisode()) / span;
    return Math.max(0.0, 1.0 - done);
  }

  /**
   * Called on the training thread as each episode ends, with its number: an observer in the same
   * process (a test stopping a run at an exact episode, as a SIGTERM would) sees every episode,
   * however fast the trainer runs.
   */
  public void onEpisodeEnded(java.util.function.LongConsumer listener) {
    this.episodeListener = listener;
  }

  private void onEpisode(long episode, VecEnv.Episode e) {
    episodeListener.accept(episode);
    double reward = e.meanReward();
    window.add(e.score(), reward, e.success());
    bestWindow.add(e.score(), reward, e.success());
    metrics.episode(e.score(), e.length(), e.success());
    // Router figures (moe only) are those of the last update.
    RouterStats router = lastStats == null ? null : lastStats.router();
    EpisodeRecord.Window w =
        new EpisodeRecord.Window(
            window.count(),
            window.mean(0),
            window.std(0),
            window.mean(1),
            window.std(1),
            lastStats != null && lastStats.minibatches() > 0 ? lastStats.gradNorm() : null,
            nonFinite,
            window.mean(2),
            lastEvaluation == null ? null : lastEvaluation.episodes(),
            lastEvaluation == null ? null : lastEvaluation.scoreMean(),
            lastEvaluation == null ? null : lastEvaluation.scoreStd(),
            lastEvaluation == null ? null : lastEvaluation.successRate(),
            lastEvaluation == null ? null : lastEvaluation.episode());
    EpisodeRecord r =
        new EpisodeRecord(
            episode,
            e.score(),
            reward,
            e.length(),
            config.phase(),
            config.attempt(),
            agent.envSteps(),
            Instant.now().toString(),
            router == null ? null : router.alphaEntropy(),
            router == null ? null : router.expertUsage(),
            router == null ? null : router.temperature(),
            w,
            e.success());
    synchronized (recent) {
      recent.addLast(r);
      if (recent.size() > ProgressReport.EPISODES_LIMIT) {
        recent.removeFirst();
      }
    }
    try {
      records.append(json.writeValueAsString(r)).append('\n');
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    if (++recordsPending >= RECORD_BATCH) {
      flushRecords();
    }
  }

  /** Re-uploads the attempt's jsonl with every record so far (S3 objects cannot be appended). */
  private void flushRecords() {
    if (recordsPending == 0 && records.length() > 0) {
      return;
    }
    recordsPending = 0;
    byte[] content = records.toString().getBytes(StandardCharsets.UTF_8);
    String key =
        StorageLayout.metricsFile(
            config.storage().prefix(), config.namespace(), config.run(), config.attempt());
    // A records upload not yet started is superseded by this one, which holds every record: when
    // storage is slow or gone, queued copies of the whole file would otherwise pile up in memory.
    if (pendingRecords != null) {
      pendingRecords.cancel(false);
    }
    pendingRecords =
        recordUploads.submit(
            () -> {
              try {
                store.objectStore().put(store.bucket(), key, content);
              } catch (IOException e) {
                LOG.warn("episode records upload failed: " + e.getMessage());
              }
            });
    lastUpload = pendingRecords;
  }

  /**
   * Encodes the agent now and uploads it in the background.
   *
   * @param evaluation the evaluation of exactly this state, or null when none was played
   */
  private Future<CheckpointManifest> checkpoint(CheckpointKind kind, EvaluationResult evaluation)
      throws IOException {
    long t0 = System.nanoTime();
    String id = StorageLayout.checkpointId(agent.episodes(), config.attempt());
    String folder =
        StorageLayout.checkpointFolder(
            config.storage().prefix(), config.namespace(), config.run(), id);
    // Encoding copies the state now, so training may go on while the bytes upload.
    Map<String, byte[]> files =
        AgentCodec.encode(
            agent,
            new AgentCodec.SessionCounters(bestScoreMean, nonFinite, config.phaseIndex(), band));
    long bytes = files.values().stream().mapToLong(b -> b.length).sum();
    Map<String, Double> m = new LinkedHashMap<>();
    if (window.count() > 0) {
      m.put(RunMetric.SCORE_MEAN.key(), window.mean(0));
      m.put(RunMetric.REWARD_MEAN.key(), window.mean(1));
    }
    if (lastStats != null && lastStats.minibatches() > 0) {
      m.put(RunMetric.GRAD_NORM.key(), lastStats.gradNorm());
      if (lastStats.router() != null) {
        m.put(RunMetric.ALPHA_ENTROPY.key(), lastStats.router().alphaEntropy());
      }
    }
    if (evaluation != null) {
      m.put(RunMetric.EVAL_SCORE_MEAN.key(), evaluation.scoreMean());
      if (evaluation.successRate() != null) {
        m.put(RunMetric.EVAL_SUCCESS_RATE.key(), evaluation.successRate());
      }
    }
    // ranked on the best metric over the best window, as the best checkpoints are written; an
    // evaluation metric over the checkpoint's own evaluation episodes
    RunMetric bestBy = config.checkpoints().bestMetric();
    CheckpointManifest.Ranking ranking;
    if (bestBy.fromEvaluation()) {
      ranking =
          evaluation == null || !Double.isFinite(evaluationMetric(evaluation))
              ? null
              : new CheckpointManifest.Ranking(
                  bestBy, evaluation.episodes(), evaluationMetric(evaluation));
    } else {
      ranking =
          bestWindow.full()
              ? new CheckpointManifest.Ranking(
                  bestBy, config.checkpoints().bestWindow(), bestMetric())
              : null;
    }
    CheckpointManifest manifest =
        new CheckpointManifest(
            CheckpointManifest.FORMAT_VERSION,
            id,
            config.namespace(),
            config.run(),
            config.attempt(),
            config.phase(),
            config.phaseIndex(),
            agent.episodes(),
            agent.envSteps(),
            kind,
            Instant.now().toString(),
            m,
            false,
            null,
            StorageLayout.checkpointIdOf(config.resumeFrom()),
            ranking,
            evaluation == null ? null : evaluation.forCheckpoint(id));
    Future<CheckpointManifest> f =
        uploads.submit(
            () -> {
              CheckpointManifest done;
              try {
                done = store.save(folder, manifest, files);
              } catch (IOException e) {
                // Periodic and best saves are not awaited: say so here, the next one may succeed.
                LOG.warn(kind + " checkpoint " + id + " not committed: " + e.getMessage());
                metrics.checkpointFailed();
                throw e;
              }
              metrics.checkpoint((System.nanoTime() - t0) / 1e9, bytes);
              lastCheckpoint =
                  new ProgressReport.CommittedCheckpoint(
                      id, done.episode(), kind, store.uri(folder));
              LOG.info("committed " + kind + " checkpoint " + store.uri(folder));
              return done;
            });
    lastUpload = f;
    // When uploads fall behind training (a slow store, a cold start), a queued checkpoint that a
    // newer one supersedes is dropped before it starts: a periodic one by any newer checkpoint, a
    // best one only by a newer best (which is better). A kill then replays only what the newest
    // checkpoint did not cover. One already uploading still commits.
    if (pending != null
        && (pendingKind == CheckpointKind.PERIODIC
            || (pendingKind == CheckpointKind.BEST && kind == CheckpointKind.BEST))) {
      pending.cancel(false);
    }
    boolean coalescable = kind == CheckpointKind.PERIODIC || kind == CheckpointKind.BEST;
    pending = coalescable ? f : null;
    pendingKind = coalescable ? kind : null;
    return f;
  }

  private static <T> T await(Future<T> f) throws IOException {
    if (f == null) {
      return null;
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an upload", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
    }
  }

  private void publishProgress() {
    double minutes = (System.nanoTime() - startNanos) / 60e9;
    boolean any = window.count() > 0;
    progress.set(
        new ProgressReport(
            config.attempt(),
            config.phase(),
            agent.episodes(),
            agent.envSteps(),
            config.untilEpisode(),
            window.count(),
            any ? window.mean(0) : null,
            any ? window.std() : null,
            any ? window.max() : null,
            any ? window.mean(1) : null,
            lastStats != null && lastStats.router() != null
                ? lastStats.router().alphaEntropy()
                : null,
            lastStats != null && lastStats.minibatches() > 0 ? lastStats.gradNorm() : null,
            lastStats != null ? lastStats.learningRate() : config.ppo().learningRate,
            minutes > 0 ? (agent.episodes() - startEpisode) / minutes : null,
            nonFinite,
            lastCheckpoint,
            state,
            Instant.now().toString(),
            List.of(),
            lastNonFinite,
            any ? window.mean(2) : null,
            lastEvaluation));
    if (any) {
      metrics.window(window.mean(0), window.mean(1), window.mean(2));
    }
  }

  @Override
  public void close() {
    uploads.shutdownNow();
    recordUploads.shutdownNow();
    agent.close();
  }
}

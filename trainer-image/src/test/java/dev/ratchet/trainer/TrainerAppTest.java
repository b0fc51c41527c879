package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ModelSpec;
import dev.ratchet.api.v1alpha1.PpoSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TemperatureSpec;
import dev.ratchet.s3.EmbeddedS3Server;
import dev.ratchet.trainer.rl.PolicySettings;
import dev.ratchet.trainer.rl.Settings;
import dev.ratchet.trainer.storage.MinioObjectStore;
import io.minio.ListObjectsArgs;
import io.minio.messages.Item;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole attempt in-process: config file, S3 (embedded S3Proxy), HTTP, exit codes. */
class TrainerAppTest {

  private static final String BUCKET = "ratchet";
  private static EmbeddedS3Server s3;
  private static MinioObjectStore minio;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = EmbeddedS3Server.inMemory(BUCKET);
    minio =
        new MinioObjectStore(
            s3.endpoint(), "us-east-1", EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private TrainerConfig config(
      String run, int attempt, long until, String resumeFrom, String endpoint) {
    var env = Settings.cartPole(4, 11);
    env.name = EnvironmentName.CARTPOLE;
    return config(run, attempt, until, resumeFrom, endpoint, env, Settings.mlp64(), null, null);
  }

  private TrainerConfig config(
      String run,
      int attempt,
      long until,
      String resumeFrom,
      String endpoint,
      EnvironmentSpec env,
      ModelSpec model,
      Routing routing,
      TemperatureSpec temperature) {
    PpoSpec ppo = Settings.cleanRlPpo();
    ppo.rolloutSteps = 32;
    ppo.epochs = 2;
    ppo.minibatches = 2;
    return new TrainerConfig(
        "ns",
        run,
        attempt,
        "warmup",
        0,
        0,
        until,
        resumeFrom,
        env,
        model,
        ppo,
        routing,
        temperature,
        null,
        new TrainerConfig.CheckpointPolicy(20, RunMetric.SCORE_MEAN, 10),
        new TrainerConfig.StorageLocation(endpoint, BUCKET, "runs", "us-east-1"),
        Device.AUTO,
        20,
        0,
        60,
        null);
  }

  private Result run(TrainerConfig c, java.util.function.Consumer<TrainerApp> whileServing)
      throws Exception {
    return run(c, app -> {}, whileServing);
  }

  /** Runs {@code before} ahead of the trainer, {@code whileServing} on a thread once it serves. */
  private Result run(
      TrainerConfig c,
      java.util.function.Consumer<TrainerApp> before,
      java.util.function.Consumer<TrainerApp> whileServing)
      throws Exception {
    Path file = tmp.resolve(c.run() + "-" + c.attempt() + ".json");
    json.writeValue(file.toFile(), c);
    Map<String, String> env = new HashMap<>();
    env.put(TrainerEnv.CONFIG, file.toString());
    env.put(TrainerEnv.S3_ACCESS_KEY, EmbeddedS3Server.ACCESS_KEY);
    env.put(TrainerEnv.S3_SECRET_KEY, EmbeddedS3Server.SECRET_KEY);
    env.put(TrainerEnv.HTTP_HOST, "127.0.0.1"); // as local mode starts it
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TrainerApp app = new TrainerApp(env, new PrintStream(err, true, StandardCharsets.UTF_8), 2, 5);
    AtomicReference<Integer> port = new AtomicReference<>();
    AtomicReference<Boolean> loopback = new AtomicReference<>();
    app.onServing(
        server -> {
          port.set(server.port());
          loopback.set(server.address().getAddress().isLoopbackAddress());
          Thread t = new Thread(() -> whileServing.accept(app));
          t.setDaemon(true);
          t.start();
        });
    before.accept(app);
    int code = app.run();
    return new Result(code, err.toString(StandardCharsets.UTF_8), port.get(), loopback.get());
  }

  private record Result(int code, String err, Integer port, Boolean loopback) {}

  private String get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private CheckpointManifest manifest(String run, long episode, int attempt) throws Exception {
    String key =
        StorageLayout.checkpointFolder(
                "runs", "ns", run, StorageLayout.checkpointId(episode, attempt))
            + CheckpointManifest.FILE_NAME;
    return json.readValue(minio.get(BUCKET, key).orElseThrow(), CheckpointManifest.class);
  }

  @Test
  void trainsServesHttpAndCommitsThePhaseEndCheckpoint() throws Exception {
    AtomicReference<String> metrics = new AtomicReference<>();
    AtomicReference<String> progress = new AtomicReference<>();
    AtomicReference<String> health = new AtomicReference<>();
    AtomicReference<String> since30 = new AtomicReference<>();
    AtomicReference<String> badAfter = new AtomicReference<>();
    AtomicReference<Integer> port = new AtomicReference<>();
    TrainerConfig c = config("r1", 1, 120, null, s3.endpoint());
    CountDownLatch probed = new CountDownLatch(1);
    Result r =
        run(
            c,
            app -> holdAt(app, 119, probed),
            app -> {
              try {
                int p = portOf(app);
                port.set(p);
                health.set(get(p, "/healthz"));
                for (int i = 0; i < 400; i++) {
                  String body = get(p, "/v1/progress");
                  if (json.readValue(body, ProgressReport.class).episode() >= 40) {
                    progress.set(body);
                    metrics.set(get(p, "/metrics"));
                    since30.set(get(p, "/v1/progress?after=30"));
                    badAfter.set(get(p, "/v1/progress?after=thirty"));
                    return;
                  }
                  Thread.sleep(25);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                probed.countDown();
              }
            });
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(health.get()).isEqualTo("ok\n");
    assertThat(r.loopback()).as("RATCHET_TRAINER_HTTP_HOST=127.0.0.1 binds loopback").isTrue();
    ProgressReport pr = json.readValue(progress.get(), ProgressReport.class);
    assertThat(pr.attempt()).isEqualTo(1);
    assertThat(pr.untilEpisode()).isEqualTo(120);
    assertThat(pr.scoreMean()).isNotNull();
    assertThat(pr.state()).isEqualTo(ProgressReport.TrainerState.TRAINING);
    assertThat(pr.episodes()).as("no records unless asked for").isEmpty();
    // ?after=30: every episode since 30, each with the window right after it
    ProgressReport after30 = json.readValue(since30.get(), ProgressReport.class);
    assertThat(after30.episodes()).isNotEmpty();
    assertThat(after30.episodes().get(0).episode()).isEqualTo(31);
    assertThat(after30.episodes().get(after30.episodes().size() - 1).episode())
        .isEqualTo(after30.episode());
    for (int i = 0; i < after30.episodes().size(); i++) {
      EpisodeRecord record = after30.episodes().get(i);
      assertThat(record.episode()).isEqualTo(31 + i);
      assertThat(record.window().episodes()).isEqualTo(20); // the config's metrics window
      assertThat(record.window().scoreStd()).isNotNegative();
      // CartPole's success: the pole still up at the step limit (not falling on its last step)
      if (record.success()) {
        assertThat(record.length()).isEqualTo(500);
      }
    }
    long succeeded =
        after30
            .episodes()
            .subList(after30.episodes().size() - 20, after30.episodes().size())
            .stream()
            .filter(EpisodeRecord::success)
            .count();
    assertThat(after30.successRate()).isEqualTo(succeeded / 20.0);
    EpisodeRecord newest = after30.episodes().get(after30.episodes().size() - 1);
    assertThat(newest.window().scoreMean()).isEqualTo(after30.scoreMean());
    assertThat(newest.window().successRate()).isEqualTo(after30.successRate());
    assertThat(badAfter.get()).contains("after must be an episode number");
    assertThat(metrics.get())
        .contains(
            "ratchet_episodes_total{attempt=\"1\",namespace=\"ns\",phase=\"warmup\",run=\"r1\"}")
        .contains("ratchet_env_steps_total{")
        .contains("ratchet_episode_score_bucket{")
        .contains("ratchet_score_mean{")
        .contains("ratchet_success_rate{")
        .contains("ratchet_episodes_succeeded_total{")
        .contains("ratchet_grad_norm{")
        .contains("ratchet_nonfinite_total{")
        .contains("ratchet_checkpoint_failures_total{")
        .containsPattern("ratchet_trainer_device\\{.*device=\"cpu\"");

    String records =
        new String(
            minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", "r1", 1)).orElseThrow(),
            StandardCharsets.UTF_8);
    long lines = records.lines().count();
    assertThat(lines).isGreaterThanOrEqualTo(120);
    assertThat(records.lines().findFirst().orElseThrow())
        .contains("\"episode\":1,")
        .contains("\"phase\":\"warmup\"")
        .contains("\"attempt\":1");
    CheckpointManifest last = manifest("r1", lines, 1);
    assertThat(last.kind()).isEqualTo(CheckpointKind.PHASE_END);
    assertThat(last.nonFinite()).isFalse();
    assertThat(last.metrics()).containsKey("scoreMean");
    // ranked as the best checkpoints are written: the best metric over the best window (10)
    assertThat(last.ranking().metric()).isEqualTo(RunMetric.SCORE_MEAN);
    assertThat(last.ranking().window()).isEqualTo(10);
    assertThat(last.ranking().value()).isPositive();
    assertThat(last.files()).hasSize(3);
  }

  @Test
  void evaluatesEveryCommittedCheckpointAndWritesTheBestByEvaluationWhenItRanksBestCheckpoints()
      throws Exception {
    TrainerConfig c =
        withEvaluation(
            config("evaluated", 1, 100, null, s3.endpoint()),
            new TrainerConfig.CheckpointPolicy(20, RunMetric.EVAL_SCORE_MEAN, 10),
            new TrainerConfig.EvaluationPolicy(6, true, 5));
    AtomicReference<String> metrics = new AtomicReference<>();
    AtomicReference<ProgressReport> progress = new AtomicReference<>();
    CountDownLatch probed = new CountDownLatch(1);
    Result r =
        run(
            c,
            app -> holdAt(app, 99, probed),
            app -> {
              try {
                int p = portOf(app);
                for (int i = 0; i < 800; i++) {
                  ProgressReport pr =
                      json.readValue(get(p, "/v1/progress?after=0"), ProgressReport.class);
                  if (pr.lastEvaluation() != null) {
                    progress.set(pr);
                    metrics.set(get(p, "/metrics"));
                    return;
                  }
                  Thread.sleep(25);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                probed.countDown();
              }
            });
    assertThat(r.code()).as(r.err()).isZero();

    List<CheckpointManifest> manifests = manifests("evaluated");
    // a checkpoint at each 20 episodes and the end, less the queued ones a newer one superseded
    // while uploads fell behind (a best one only by a better one): the first best and the end stay
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(2);
    assertThat(manifests.get(0).kind()).isEqualTo(CheckpointKind.BEST);
    assertThat(manifests.get(manifests.size() - 1).kind()).isEqualTo(CheckpointKind.PHASE_END);
    double best = Double.NEGATIVE_INFINITY;
    for (CheckpointManifest m : manifests) {
      EvaluationResult e = m.evaluation();
      assertThat(e).as(m.id()).isNotNull();
      assertThat(e.checkpoint()).isEqualTo(m.id());
      assertThat(e.episode()).isEqualTo(m.episode());
      assertThat(e.episodes()).isEqualTo(6);
      assertThat(e.deterministic()).isTrue();
      assertThat(e.seed()).isEqualTo(5);
      assertThat(m.metrics())
          .containsEntry("evalScoreMean", e.scoreMean())
          .containsEntry("evalSuccessRate", e.successRate());
      if (m.kind() == CheckpointKind.PHASE_END) {
        continue;
      }
      // evaluation-gated: a period's checkpoint is the best exactly when its evaluation beats all
      assertThat(m.kind())
          .as(m.id() + " evaluated " + e.scoreMean() + " after a best of " + best)
          .isEqualTo(e.scoreMean() > best ? CheckpointKind.BEST : CheckpointKind.PERIODIC);
      assertThat(m.ranking().metric()).isEqualTo(RunMetric.EVAL_SCORE_MEAN);
      assertThat(m.ranking().window()).isEqualTo(6);
      assertThat(m.ranking().value()).isEqualTo(e.scoreMean());
      best = Math.max(best, e.scoreMean());
    }

    // progress and each record after the first evaluation carry it
    ProgressReport pr = progress.get();
    EvaluationResult first = pr.lastEvaluation();
    assertThat(first.episodes()).isEqualTo(6);
    EpisodeRecord newest = pr.episodes().get(pr.episodes().size() - 1);
    assertThat(newest.window().evalScoreMean()).isEqualTo(first.scoreMean());
    assertThat(newest.window().evalEpisodes()).isEqualTo(6);
    assertThat(pr.episodes().get(0).window().evalScoreMean()).isNull();
    assertThat(metrics.get())
        .contains("ratchet_eval_score_mean{")
        .contains("ratchet_eval_success_rate{")
        .contains("ratchet_eval_episode{")
        .contains("ratchet_eval_seconds_total{");
  }

  @Test
  void aRunWithoutEvaluationExportsNoEvaluationSeries() throws Exception {
    AtomicReference<String> metrics = new AtomicReference<>();
    // a long run that the probe stops once it has read: the trainer serves until then, however
    // fast it trains (a 30-episode run could end before the probe's first read)
    Result r =
        run(
            config("unevaluated", 1, 5000, null, s3.endpoint()),
            app -> {
              try {
                int p = portOf(app);
                while (json.readValue(get(p, "/v1/progress"), ProgressReport.class).episode()
                    < 25) {
                  Thread.sleep(25);
                }
                metrics.set(get(p, "/metrics"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                app.requestStop();
              }
            });
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(metrics.get()).contains("ratchet_score_mean{").doesNotContain("ratchet_eval_");
    assertThat(manifests("unevaluated")).allSatisfy(m -> assertThat(m.evaluation()).isNull());
  }

  /** Every committed manifest of a run, in written order. */
  private List<CheckpointManifest> manifests(String run) throws Exception {
    List<CheckpointManifest> out = new ArrayList<>();
    String root = StorageLayout.checkpointsRoot("runs", "ns", run);
    for (io.minio.Result<Item> item :
        s3.client()
            .listObjects(
                ListObjectsArgs.builder().bucket(BUCKET).prefix(root).recursive(true).build())) {
      String key = item.get().objectName();
      if (key.endsWith("/" + CheckpointManifest.FILE_NAME)) {
        out.add(json.readValue(minio.get(BUCKET, key).orElseThrow(), CheckpointManifest.class));
      }
    }
    out.sort(Comparator.comparingLong(CheckpointManifest::episode));
    return out;
  }

  /** {@code c} with another checkpoint policy and an evaluation. */
  private static TrainerConfig withEvaluation(
      TrainerConfig c,
      TrainerConfig.CheckpointPolicy checkpoints,
      TrainerConfig.EvaluationPolicy evaluation) {
    return new TrainerConfig(
            c.namespace(),
            c.run(),
            c.attempt(),
            c.phase(),
            c.phaseIndex(),
            c.phaseStartEpisode(),
            c.untilEpisode(),
            c.resumeFrom(),
            c.environment(),
            c.model(),
            c.ppo(),
            c.routing(),
            c.temperature(),
            c.moe(),
            checkpoints,
            c.storage(),
            c.device(),
            c.metricsWindow(),
            c.httpPort(),
            c.preemptGraceSeconds(),
            null)
        .withEvaluation(evaluation);
  }

  private static int portOf(TrainerApp app) {
    return app.servingPort();
  }

  @Test
  void aRunStoppedAndResumedEndsBitwiseWhereAnUninterruptedRunEnds() throws Exception {
    assertThat(run(config("full", 1, 120, null, s3.endpoint()), a -> {}).code()).isZero();
    // stopped part-way (a preempt checkpoint at an update boundary), then resumed to the end
    Result stopped =
        run(config("half", 1, 120, null, s3.endpoint()), app -> stopAfter(app, 30), app -> {});
    assertThat(stopped.code()).as(stopped.err()).isZero();
    long halfEpisodes = records("half", 1).lines().count();
    CheckpointManifest mid = manifest("half", halfEpisodes, 1);
    assertThat(mid.kind()).isEqualTo(CheckpointKind.PREEMPT);
    assertThat(mid.episode()).isLessThan(120);
    String midUri =
        StorageLayout.uri(BUCKET, StorageLayout.checkpointFolder("runs", "ns", "half", mid.id()));
    Result r = run(config("half", 2, 120, midUri, s3.endpoint()), a -> {});
    assertThat(r.code()).as(r.err()).isZero();

    long fullEpisodes = records("full", 1).lines().count();
    CheckpointManifest a = manifest("full", fullEpisodes, 1);
    CheckpointManifest b = manifest("half", fullEpisodes, 2);
    assertThat(b.envSteps()).isEqualTo(a.envSteps());
    assertThat(b.kind()).isEqualTo(a.kind()).isEqualTo(CheckpointKind.PHASE_END);
    // Parameters and Adam state are bitwise identical: same bytes, same sha256.
    assertThat(b.files().subList(0, 2)).isEqualTo(a.files().subList(0, 2));
  }

  /** A world and the policy its runs use, with the phase's routing for a router. */
  private record ResumeCase(
      String name, EnvironmentName env, ModelSpec model, Routing routing, TemperatureSpec t) {}

  /**
   * Asks the trainer to stop (as SIGTERM does) as soon as an episode beyond {@code episodes} ends:
   * on its training thread, so the preempt checkpoint falls at the same update boundary however
   * loaded the machine is.
   */
  /**
   * Holds the training thread as episode {@code episode} ends until {@code probed} opens (a minute
   * at most), so that a probe reads the trainer's endpoints while it still trains, however fast it
   * trains: an HTTP read on another thread otherwise races a short run's end. The updates before
   * that episode have published their progress by then.
   */
  private static void holdAt(TrainerApp app, long episode, CountDownLatch probed) {
    app.onEpisodeEnded(
        e -> {
          if (e == episode) {
            try {
              probed.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
          }
        });
  }

  private static void stopAfter(TrainerApp app, long episodes) {
    app.onEpisodeEnded(
        episode -> {
          if (episode > episodes) {
            app.requestStop();
          }
        });
  }

  @Test
  void moeInBothRoutingModesAndLstmTrainAndResumeExactlyThroughTheTrainer() throws Exception {
    TemperatureSpec annealed = new TemperatureSpec();
    annealed.from = 1.0;
    annealed.to = 0.2;
    // The runs these worlds exist for: the router's schedule and the LSTM's state resume too.
    for (ResumeCase c :
        new ResumeCase[] {
          new ResumeCase(
              "dungeon-softmax",
              EnvironmentName.DUNGEON,
              PolicySettings.moe64(),
              Routing.SOFTMAX,
              null),
          new ResumeCase(
              "dungeon-sparsemax",
              EnvironmentName.DUNGEON,
              PolicySettings.moe64(),
              Routing.SPARSEMAX,
              annealed),
          new ResumeCase(
              "intercept-lstm", EnvironmentName.INTERCEPT, PolicySettings.lstm64(), null, null)
        }) {
      EnvironmentSpec env = new EnvironmentSpec();
      env.name = c.env();
      env.numEnvs = 4;
      env.maxStepsPerEpisode = 40;
      env.seed = 5;
      String full = "full-" + c.name();
      String half = "half-" + c.name();
      String endpoint = s3.endpoint();
      Routing routing = c.routing();
      // stopped (a preempt checkpoint) well before its end: the stop is asked for over HTTP
      assertThat(
              run(config(full, 1, 120, null, endpoint, env, c.model(), routing, c.t()), a -> {})
                  .code())
          .isZero();
      assertThat(
              run(
                      config(half, 1, 120, null, endpoint, env, c.model(), routing, c.t()),
                      app -> stopAfter(app, 20),
                      app -> {})
                  .code())
          .isZero();
      long halfEpisodes = records(half, 1).lines().count();
      CheckpointManifest mid = manifest(half, halfEpisodes, 1);
      assertThat(mid.kind()).as(c.name()).isEqualTo(CheckpointKind.PREEMPT);
      String midUri =
          StorageLayout.uri(BUCKET, StorageLayout.checkpointFolder("runs", "ns", half, mid.id()));
      Result r =
          run(config(half, 2, 120, midUri, endpoint, env, c.model(), routing, c.t()), a -> {});
      assertThat(r.code()).as(r.err()).isZero();
      String fullRecords = records(full, 1);
      CheckpointManifest a = manifest(full, fullRecords.lines().count(), 1);
      CheckpointManifest b = manifest(half, fullRecords.lines().count(), 2);
      assertThat(b.envSteps()).isEqualTo(a.envSteps());
      // The environments' state (levels, monsters, engagements, Kalman tracks), the LSTM's per-env
      // state and the router's temperature resumed exactly: otherwise the parameters would differ.
      assertThat(b.files().subList(0, 2)).as(c.name()).isEqualTo(a.files().subList(0, 2));
    }
  }

  private String records(String run, int attempt) throws Exception {
    return new String(
        minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", run, attempt)).orElseThrow(),
        StandardCharsets.UTF_8);
  }

  @Test
  void stopRequestWritesAPreemptCheckpoint() throws Exception {
    TrainerConfig c = config("pre", 1, 1_000_000, null, s3.endpoint());
    Result r = run(c, app -> stopAfter(app, 5), app -> {});
    assertThat(r.code()).as(r.err()).isZero();
    String records =
        new String(
            minio.get(BUCKET, StorageLayout.metricsFile("runs", "ns", "pre", 1)).orElseThrow(),
            StandardCharsets.UTF_8);
    CheckpointManifest m = manifest("pre", records.lines().count(), 1);
    assertThat(m.kind()).isEqualTo(CheckpointKind.PREEMPT);
    assertThat(m.episode()).isLessThan(1_000_000);
  }

  @Test
  void refusedResumeCheckpointExitsFour() throws Exception {
    String uri = "s3://" + BUCKET + "/runs/ns/x/checkpoints/ep-000000010-a0001/";
    Result r = run(config("x", 2, 10, uri, s3.endpoint()), a -> {});
    assertThat(r.code()).isEqualTo(TrainerExitCodes.REFUSED_CHECKPOINT);
    assertThat(r.err().strip())
        .startsWith("ratchet-trainer: refused checkpoint:")
        .contains("never committed")
        .doesNotContain("\n");
  }

  @Test
  void unreachableStorageExitsThree() throws Exception {
    Result r = run(config("y", 1, 10, null, "http://127.0.0.1:1"), a -> {});
    assertThat(r.code()).isEqualTo(TrainerExitCodes.STORAGE);
    assertThat(r.err()).startsWith("ratchet-trainer: storage unreachable:");
  }

  @Test
  void badConfigExitsTwo() throws Exception {
    TrainerConfig c = config("z", 1, 10, null, s3.endpoint());
    c.environment().name = EnvironmentName.DUNGEON;
    c.environment().options.put("goldpiles", IntNode.valueOf(3));
    Result r = run(c, a -> {});
    assertThat(r.code()).isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(r.err())
        .startsWith(
            "ratchet-trainer: bad config: environment.options.goldpiles is not an option of"
                + " dungeon (allowed: goldPiles,");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new TrainerApp(Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8), 1, 1).run();
    assertThat(code).isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("ratchet-trainer: bad config: RATCHET_TRAINER_CONFIG is not set\n");

    Path garbage = Files.writeString(tmp.resolve("bad.json"), "{\"attempt\": \"many\"}");
    err.reset();
    code =
        new TrainerApp(
                Map.of(TrainerEnv.CONFIG, garbage.toString()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                1,
                1)
            .run();
    assertThat(code).isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a TrainerConfig");
  }

  @Test
  void checkConfigSaysWhetherAnAttemptWouldAcceptAConfig() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path good = tmp.resolve("good.json");
    json.writeValue(good.toFile(), config("c", 1, 10, null, s3.endpoint()));
    TrainerConfig typo = config("c", 1, 10, null, s3.endpoint());
    typo.environment().name = EnvironmentName.DUNGEON;
    typo.environment().options.put("goldpiles", IntNode.valueOf(3));
    Path bad = tmp.resolve("bad.json");
    json.writeValue(bad.toFile(), typo);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(TrainerMain.run(new String[] {"--check-config", good.toString()}, o, e, false))
        .isZero();
    assertThat(TrainerMain.run(new String[] {"--check-config", bad.toString()}, o, e, false))
        .isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("config ok: ");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("ratchet-trainer: bad config: environment.options.goldpiles is not an option");
  }

  @Test
  void aFailingTrainerWritesItsReasonToTheTerminationLog() throws Exception {
    // on a cluster the container's terminationMessagePath: Kubernetes puts it in the pod status
    Path terminationLog = tmp.resolve("termination-log");
    int code =
        new TrainerApp(
                Map.of(TrainerEnv.TERMINATION_LOG, terminationLog.toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                1,
                1)
            .run();

    assertThat(code).isEqualTo(TrainerExitCodes.BAD_CONFIG);
    assertThat(Files.readString(terminationLog))
        .isEqualTo("bad config: RATCHET_TRAINER_CONFIG is not set");
  }

  @Test
  void helpPrintsTheContract() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        TrainerMain.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err,
            false);
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("RATCHET_TRAINER_CONFIG")
        .contains("RATCHET_TRAINER_TERMINATION_LOG")
        .contains("AWS_ACCESS_KEY_ID")
        .contains("/metrics");
  }
}

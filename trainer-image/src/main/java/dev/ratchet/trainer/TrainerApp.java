package dev.ratchet.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.trainer.TrainerExitCodes;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.Device;
import dev.ratchet.trainer.checkpoint.CheckpointFolders;
import dev.ratchet.trainer.checkpoint.CheckpointRefusedException;
import dev.ratchet.trainer.env.remote.EnvironmentMismatchException;
import dev.ratchet.trainer.env.remote.EnvironmentUnavailableException;
import dev.ratchet.trainer.http.TrainerHttpServer;
import dev.ratchet.trainer.session.TrainerMetrics;
import dev.ratchet.trainer.session.TrainingSession;
import dev.ratchet.trainer.storage.MinioObjectStore;
import dev.ratchet.trainer.storage.ObjectStore;
import dev.ratchet.trainer.storage.RetryingObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trainer attempt from its environment: reads the config, checks storage, resumes, serves HTTP,
 * trains and maps every failure to an exit code with a one-line reason.
 */
public final class TrainerApp {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerApp.class);

  private final Map<String, String> env;
  private final PrintStream err;
  private final int storageAttempts;
  private final long storageFirstDelayMillis;
  private volatile TrainingSession session;
  private volatile boolean stopRequested;
  private volatile int servingPort = -1;
  // Until the config is read, the grace a pod gets by default (30 s).
  private volatile long preemptGraceSeconds = 30;
  private Consumer<TrainerHttpServer> onServing = s -> {};
  private java.util.function.LongConsumer onEpisodeEnded = episode -> {};
  // Set for `--evaluate FILE`: evaluate the resume checkpoint, write the result there, train
  // nothing.
  private Path evaluationOut;

  public TrainerApp(
      Map<String, String> env, PrintStream err, int storageAttempts, long storageFirstDelayMillis) {
    this.env = env;
    this.err = err;
    this.storageAttempts = storageAttempts;
    this.storageFirstDelayMillis = storageFirstDelayMillis;
  }

  /**
   * How long the SIGTERM hook waits for the preempt checkpoint: the config's grace less 5 seconds
   * for the JVM to exit before the platform's SIGKILL.
   */
  public long shutdownWaitSeconds() {
    return Math.max(1, preemptGraceSeconds - 5);
  }

  /** Called once the HTTP server listens (tests read its port). */
  public TrainerApp onServing(Consumer<TrainerHttpServer> callback) {
    this.onServing = callback;
    return this;
  }

  /** Called on the training thread as each episode ends (see TrainingSession#onEpisodeEnded). */
  public TrainerApp onEpisodeEnded(java.util.function.LongConsumer listener) {
    this.onEpisodeEnded = listener;
    return this;
  }

  /**
   * Evaluates the config's resume checkpoint with its evaluation instead of training, writing the
   * {@link EvaluationResult} as JSON to {@code out}.
   */
  public TrainerApp evaluateTo(Path out) {
    this.evaluationOut = out;
    return this;
  }

  /** The HTTP port once serving, else -1. */
  public int servingPort() {
    return servingPort;
  }

  /** SIGTERM: stop at the next update boundary and write a preempt checkpoint. */
  public void requestStop() {
    stopRequested = true;
    TrainingSession s = session;
    if (s != null) {
      s.requestStop();
    }
  }

  /** Runs the attempt; returns the process exit code. */
  public int run() {
    ObjectMapper json =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    TrainerConfig config;
    try {
      config = readConfig(json);
    } catch (IllegalArgumentException | IOException e) {
      return fail(TrainerExitCodes.BAD_CONFIG, "bad config: " + e.getMessage());
    }
    preemptGraceSeconds = config.preemptGraceSeconds();
    String device;
    try {
      device = selectDevice(config.device(), loadEngine());
    } catch (IllegalArgumentException e) {
      return fail(TrainerExitCodes.BAD_CONFIG, "bad config: " + e.getMessage());
    } catch (EngineUnavailableException e) {
      return fail(TrainerExitCodes.BAD_CONFIG, e.getMessage());
    }
    ObjectStore objects =
        new RetryingObjectStore(
            new MinioObjectStore(
                config.storage().endpoint(),
                config.storage().region(),
                env.get(TrainerEnv.S3_ACCESS_KEY),
                env.get(TrainerEnv.S3_SECRET_KEY)),
            storageAttempts,
            storageFirstDelayMillis);
    try {
      objects.checkBucket(config.storage().bucket());
    } catch (IOException e) {
      return fail(TrainerExitCodes.STORAGE, "storage unreachable: " + e.getMessage());
    }
    CheckpointFolders store = new CheckpointFolders(objects, json, config.storage().bucket());
    TrainerMetrics metrics =
        new TrainerMetrics(
            config.namespace(), config.run(), config.phase(), config.attempt(), device);
    ai.djl.Device djlDevice = "gpu".equals(device) ? ai.djl.Device.gpu() : ai.djl.Device.cpu();
    try (NDManager manager = NDManager.newBaseManager(djlDevice);
        TrainingSession s = new TrainingSession(config, store, json, metrics, manager);
        TrainerHttpServer http =
            new TrainerHttpServer(
                env.get(TrainerEnv.HTTP_HOST),
                config.httpPort(),
                metrics.registry(),
                s::progressAfter,
                json)) {
      session = s;
      s.onEpisodeEnded(onEpisodeEnded);
      if (stopRequested) {
        s.requestStop();
      }
      servingPort = http.port();
      onServing.accept(http);
      try {
        s.resume();
      } catch (CheckpointRefusedException e) {
        return fail(TrainerExitCodes.REFUSED_CHECKPOINT, "refused checkpoint: " + e.getMessage());
      } catch (IOException e) {
        return fail(TrainerExitCodes.STORAGE, "cannot read checkpoint: " + e.getMessage());
      }
      if (evaluationOut != null) {
        EvaluationResult result = s.evaluateResumeCheckpoint();
        json.writerWithDefaultPrettyPrinter().writeValue(evaluationOut.toFile(), result);
        return TrainerExitCodes.OK;
      }
      LOG.info(
          "training "
              + config.namespace()
              + "/"
              + config.run()
              + " attempt "
              + config.attempt()
              + " phase "
              + config.phase()
              + " on "
              + device
              + " until episode "
              + config.untilEpisode());
      CheckpointManifest last = s.run();
      LOG.info("attempt done: " + last.kind() + " checkpoint " + last.id());
      return TrainerExitCodes.OK;
    } catch (IOException e) {
      return fail(TrainerExitCodes.STORAGE, "storage failed: " + e.getMessage());
    } catch (EnvironmentMismatchException e) {
      return fail(TrainerExitCodes.BAD_CONFIG, "environment mismatch: " + e.getMessage());
    } catch (EnvironmentUnavailableException e) {
      return fail(TrainerExitCodes.ENVIRONMENT, "environment unavailable: " + e.getMessage());
    } catch (RuntimeException e) {
      return fail(TrainerExitCodes.FAILED, "trainer failed: " + e);
    } catch (OutOfMemoryError e) {
      // the attempt's memory is freed by now, enough to say why
      return fail(
          TrainerExitCodes.FAILED,
          "out of Java heap ("
              + e.getMessage()
              + "): give the trainer more memory in spec.trainer.resources");
    }
  }

  /**
   * Says why in one line, on stderr and in the termination log, so the supervisor can tell the user
   * (pod status on a cluster, the attempt's file in local mode).
   */
  private int fail(int code, String reason) {
    String line = reason.replace('\n', ' ');
    err.println("ratchet-trainer: " + line);
    String terminationLog = env.get(TrainerEnv.TERMINATION_LOG);
    if (terminationLog != null && !terminationLog.isBlank()) {
      try {
        Files.writeString(Path.of(terminationLog), line);
      } catch (IOException | RuntimeException e) {
        // not the reason: the line above is
        err.println("WARNING: cannot write the termination log " + terminationLog + ": " + e);
      }
    }
    return code;
  }

  private TrainerConfig readConfig(ObjectMapper json) throws IOException {
    String path = env.get(TrainerEnv.CONFIG);
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(TrainerEnv.CONFIG + " is not set");
    }
    return readConfig(json, path);
  }

  /**
   * Checks a config file as an attempt would, without training: the contract test feeds it the
   * operator's ConfigMaps, and a user can try a config by hand. Returns the exit code an attempt
   * would give (0, or 2 with the reason on {@code err}).
   */
  public static int checkConfig(String path, PrintStream out, PrintStream err) {
    try {
      TrainerConfig c =
          readConfig(
              new ObjectMapper()
                  .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false),
              path);
      out.println(
          "config ok: "
              + c.namespace()
              + "/"
              + c.run()
              + " attempt "
              + c.attempt()
              + " phase "
              + c.phase());
      return TrainerExitCodes.OK;
    } catch (IllegalArgumentException | IOException e) {
      err.println("ratchet-trainer: bad config: " + e.getMessage().replace('\n', ' '));
      return TrainerExitCodes.BAD_CONFIG;
    }
  }

  private static TrainerConfig readConfig(ObjectMapper json, String path) throws IOException {
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(TrainerEnv.CONFIG + "=" + path + " is not a file");
    }
    TrainerConfig c;
    try {
      c = json.readValue(p.toFile(), TrainerConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          path + " is not a TrainerConfig: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    return ConfigCheck.validate(c);
  }

  /**
   * Loads the engine (which unpacks libtorch into {@code DJL_CACHE_DIR} the first time): a failure
   * is the image's or the node's, named in one line, since an unchanged restart cannot load it
   * either.
   */
  static Engine loadEngine() {
    try {
      return Engine.getInstance();
    } catch (RuntimeException | LinkageError e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String cache = System.getenv("DJL_CACHE_DIR");
      throw new EngineUnavailableException(
          "the PyTorch engine cannot load: "
              + e.getMessage()
              + (cause == e ? "" : " (" + cause + ")")
              + "; its native library is unpacked into DJL_CACHE_DIR="
              + (cache == null ? "~/.djl.ai (unset)" : cache)
              + ", which must hold it already (an image prepared with --prepare-engine) or be"
              + " writable");
    }
  }

  /** The engine could not be loaded; the message says why and where it looked. */
  static final class EngineUnavailableException extends RuntimeException {
    EngineUnavailableException(String message) {
      super(message);
    }
  }

  /**
   * Loads the engine once and reports it, so that an image build can unpack the native library into
   * a read-only, world-readable {@code DJL_CACHE_DIR} that any uid can load at run time.
   */
  public static int prepareEngine(PrintStream out, PrintStream err) {
    try {
      Engine engine = loadEngine();
      out.println(
          "engine ready: "
              + engine.getEngineName()
              + " "
              + engine.getVersion()
              + ", "
              + engine.getGpuCount()
              + " GPU(s) visible, native library under "
              + ai.djl.util.Utils.getEngineCacheDir());
      return TrainerExitCodes.OK;
    } catch (EngineUnavailableException e) {
      err.println("ratchet-trainer: " + e.getMessage().replace('\n', ' '));
      return TrainerExitCodes.BAD_CONFIG;
    }
  }

  private static String selectDevice(Device wanted, Engine engine) {
    int gpus = engine.getGpuCount();
    Device d = wanted == null ? Device.AUTO : wanted;
    return switch (d) {
      case CPU -> "cpu";
      case GPU -> {
        if (gpus == 0) {
          throw new IllegalArgumentException("device gpu asked for, but the engine sees no GPU");
        }
        yield "gpu";
      }
      case AUTO -> gpus > 0 ? "gpu" : "cpu";
    };
  }

  /** Validation of what this trainer (part 1) can run. */
  static final class ConfigCheck {
    private ConfigCheck() {}

    static TrainerConfig validate(TrainerConfig c) {
      require(c.namespace() != null && !c.namespace().isBlank(), "namespace is missing");
      require(c.run() != null && !c.run().isBlank(), "run is missing");
      require(c.attempt() >= 1, "attempt must be at least 1");
      require(c.phase() != null && !c.phase().isBlank(), "phase is missing");
      require(c.untilEpisode() > 0, "untilEpisode must be positive");
      require(c.environment() != null && c.environment().name != null, "environment is missing");
      EnvironmentChecks.check(c.environment());
      require(c.model() != null, "model is missing");
      require(c.model().architecture != null, "model.architecture is missing");
      require(
          c.model().architecture != Architecture.LSTM || c.model().lstmHiddenSize >= 1,
          "model.lstmHiddenSize must be at least 1");
      require(
          c.model().architecture != Architecture.MOE || c.model().experts >= 2,
          "model.experts must be at least 2");
      require(
          c.model().expertInitGain > 0 && c.model().routerInitGain > 0,
          "model init gains must be positive");
      require(
          c.temperature() == null || (c.temperature().from > 0 && c.temperature().to > 0),
          "router temperature must be positive");
      require(
          c.model().hiddenSizes != null && !c.model().hiddenSizes.isEmpty(),
          "model.hiddenSizes is empty");
      require(c.ppo() != null, "ppo is missing");
      require(c.ppo().rolloutSteps >= 1 && c.ppo().minibatches >= 1, "ppo sizes must be >= 1");
      require(c.checkpoints() != null, "checkpoints is missing");
      require(c.storage() != null, "storage is missing");
      require(
          c.storage().endpoint() != null && !c.storage().endpoint().isBlank(),
          "storage.endpoint is missing");
      require(
          c.storage().bucket() != null && !c.storage().bucket().isBlank(),
          "storage.bucket is missing");
      require(c.httpPort() >= 0 && c.httpPort() <= 65535, "httpPort out of range");
      return c;
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}

package dev.ratchet.trainer;

import dev.ratchet.api.trainer.TrainerExitCodes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Entry point of the trainer image: {@code java -jar ratchet-trainer-all.jar [--help]}. */
public final class TrainerMain {

  static final String USAGE =
      """
      Usage: ratchet-trainer [--help | --check-config FILE | --prepare-engine | --evaluate FILE]

      Runs one attempt of a Ratchet TrainingRun: PPO on DJL's PyTorch engine.
      --check-config FILE checks a TrainerConfig as an attempt would, without training
      (exit 0, or 2 with the reason).
      --prepare-engine loads the engine once, unpacking its native library into DJL_CACHE_DIR
      (an image build runs it, so that a read-only root needs no writable cache), and exits.
      --evaluate FILE plays the config's evaluation episodes with the checkpoint it resumes from,
      writes the result to FILE as JSON, and trains nothing (ratchet evaluate runs it).

      Environment:
        RATCHET_TRAINER_CONFIG   path of the attempt's TrainerConfig JSON (required)
        RATCHET_TRAINER_TERMINATION_LOG
                                 file to write the one-line reason of a failure to
                                 (a pod's terminationMessagePath)
        RATCHET_TRAINER_HTTP_HOST
                                 address to serve HTTP on (default: every interface)
        AWS_ACCESS_KEY_ID        S3 access key
        AWS_SECRET_ACCESS_KEY    S3 secret key

      HTTP (config httpPort, default 9400): /metrics, /v1/progress, /healthz
      SIGTERM writes a preempt checkpoint, then exits.

      Exit codes: 0 untilEpisode reached and phase-end checkpoint written (or stopped after a
        preempt checkpoint); 1 unexpected failure;
        2 bad config; 3 storage unreachable or failed; 4 resume checkpoint refused.
      """;

  private TrainerMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err, true);
    System.exit(code);
  }

  /** Runs with the process environment; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err, boolean installSignalHook) {
    if (args.length == 2 && args[0].equals("--check-config")) {
      return TrainerApp.checkConfig(args[1], out, err);
    }
    if (args.length == 2 && args[0].equals("--evaluate")) {
      engineDefaults();
      return new TrainerApp(System.getenv(), err, 3, 500).evaluateTo(Path.of(args[1])).run();
    }
    if (args.length == 1 && args[0].equals("--prepare-engine")) {
      engineDefaults();
      return TrainerApp.prepareEngine(out, err);
    }
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        out.print(USAGE);
        return 0;
      }
      err.println("ratchet-trainer: unknown argument " + a + " (see --help)");
      return TrainerExitCodes.BAD_CONFIG;
    }
    engineDefaults();
    TrainerApp app = new TrainerApp(System.getenv(), err, 6, 500);
    CountDownLatch done = new CountDownLatch(1);
    if (installSignalHook) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    // SIGTERM: ask for the preempt checkpoint and wait for it, up to a little
                    // less than the platform's grace (then SIGKILL comes).
                    app.requestStop();
                    try {
                      done.await(app.shutdownWaitSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "sigterm-preempt"));
    }
    try {
      return app.run();
    } finally {
      done.countDown();
    }
  }

  /**
   * The engine must load its native library from the jars, never download it; one intra-op thread
   * because the networks are small and it keeps runs reproducible.
   */
  static void engineDefaults() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("PYTORCH_FLAVOR", "cpu");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }
}

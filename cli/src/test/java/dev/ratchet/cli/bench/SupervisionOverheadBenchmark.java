package dev.ratchet.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerEnv;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.local.LocalRuns;
import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.s3.EmbeddedS3Server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test: what supervision costs the trainer. The same CartPole run (seeded, so both
 * do exactly the same environment steps) as a bare trainer process and under local mode's
 * supervision loop, alternately, {@code -Dbenchmark.rounds} times (3); prints each trainer
 * process's environment steps per second (steps over its lifetime, JVM start included in both),
 * each round's difference and the median of those paired differences (the machine's speed drifts
 * between rounds by more than supervision costs; each pair runs back to back). {@code
 * -Dbenchmark.episodes} (10,000, about 40 s of training) sets the run's length: short runs measure
 * mostly the two JVMs' start-up. Run with {@code ./mvnw -B -pl cli -am verify -Pbench
 * -Dtest=SupervisionOverheadBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class SupervisionOverheadBenchmark {

  private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);
  private static final long EPISODES = Long.getLong("benchmark.episodes", 10_000);

  @TempDir Path tmp;

  @Test
  void envStepsPerSecondOfABareTrainerAndOfOneUnderLocalMode() throws Exception {
    List<Double> differences = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      Path dir = tmp.resolve("round-" + round);
      Measured local = underLocalMode(dir.resolve("local"));
      Measured alone = bareTrainer(dir.resolve("bare"), local.config(), local.s3Port());
      assertThat(alone.envSteps()).as("the same work").isEqualTo(local.envSteps());
      double difference =
          (local.stepsPerSecond() - alone.stepsPerSecond()) / alone.stepsPerSecond();
      differences.add(difference);
      System.out.printf(
          "BENCHMARK supervision-overhead round %d: %d env steps; bare %.0f steps/s (%.1f s),"
              + " under local mode %.0f steps/s (%.1f s): %+.1f %%%n",
          round,
          local.envSteps(),
          alone.stepsPerSecond(),
          alone.seconds(),
          local.stepsPerSecond(),
          local.seconds(),
          difference * 100);
    }
    System.out.printf(
        "BENCHMARK supervision-overhead: median of %d paired differences %+.1f %%%n",
        differences.size(), median(differences) * 100);
  }

  /** A trainer process's work and lifetime. */
  private record Measured(long envSteps, double seconds, Path config, int s3Port) {
    double stepsPerSecond() {
      return envSteps / seconds;
    }
  }

  private Measured underLocalMode(Path workdir) throws Exception {
    TrainingRun run = run();
    try (EmbeddedS3Server s3 = EmbeddedS3Server.start(workdir.resolve("s3"))) {
      s3.ensureBucket(run.getSpec().checkpoints.storage.bucket); // as ratchet local run does
      StringWriter out = new StringWriter();
      LocalRuns.Handle handle = LocalRuns.start(run, workdir, s3, new PrintWriter(out, true));
      ProcessHandle trainer = awaitTrainer(handle, out, Duration.ofMinutes(1));
      Instant started = trainer.info().startInstant().orElseThrow();
      trainer.onExit().get(10, TimeUnit.MINUTES);
      Instant ended = Instant.now();
      TrainingRunStatus status = handle.result().get(2, TimeUnit.MINUTES);
      assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
      assertThat(status.restarts == null ? 0 : status.restarts).isZero();
      return new Measured(
          envStepsOfLastCheckpoint(workdir.resolve("s3")),
          Duration.between(started, ended).toMillis() / 1000.0,
          workdir.resolve(run.getMetadata().getName()).resolve("attempt-0001/trainer-config.json"),
          s3.port());
    }
  }

  /** The same config, as the trainer jar alone, against a fresh S3 server on the same port. */
  private Measured bareTrainer(Path workdir, Path config, int s3Port) throws Exception {
    try (EmbeddedS3Server s3 = EmbeddedS3Server.start(workdir.resolve("s3"), s3Port)) {
      s3.ensureBucket(run().getSpec().checkpoints.storage.bucket);
      Files.createDirectories(workdir);
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  LocalRuns.trainerJar().toString())
              .redirectErrorStream(true)
              .redirectOutput(workdir.resolve("trainer.log").toFile());
      builder.environment().put(TrainerEnv.CONFIG, config.toString());
      builder.environment().put(TrainerEnv.S3_ACCESS_KEY, EmbeddedS3Server.ACCESS_KEY);
      builder.environment().put(TrainerEnv.S3_SECRET_KEY, EmbeddedS3Server.SECRET_KEY);
      builder.environment().put(TrainerEnv.HTTP_HOST, "127.0.0.1");
      Process process = builder.start();
      Instant started = process.info().startInstant().orElseThrow();
      assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
      Instant ended = Instant.now();
      assertThat(process.exitValue()).as(Files.readString(workdir.resolve("trainer.log"))).isZero();
      return new Measured(
          envStepsOfLastCheckpoint(workdir.resolve("s3")),
          Duration.between(started, ended).toMillis() / 1000.0,
          config,
          s3Port);
    }
  }

  private static long envStepsOfLastCheckpoint(Path s3) throws Exception {
    try (var files = Files.walk(s3)) {
      Path last =
          files
              .filter(p -> p.getFileName().toString().equals("manifest.json"))
              .max((a, b) -> a.getParent().getFileName().compareTo(b.getParent().getFileName()))
              .orElseThrow();
      String json = Files.readString(last);
      var m = java.util.regex.Pattern.compile("\"envSteps\"\\s*:\\s*(\\d+)").matcher(json);
      assertThat(m.find()).isTrue();
      return Long.parseLong(m.group(1));
    }
  }

  /** The quickstart run to a fixed episode: no gate, no divergence, no early stop. */
  private static TrainingRun run() throws Exception {
    TrainingRunReader.Result read =
        new TrainingRunReader()
            .read(Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml")));
    TrainingRun run = read.run();
    run.getMetadata().setName("overhead");
    run.getSpec().environment.maxStepsPerEpisode = 200;
    run.getSpec().phases.get(0).until.episode = EPISODES;
    run.getSpec().phases.get(0).until.anyOf = List.of();
    run.getSpec().divergence.enabled = false;
    run.getSpec().earlyStopping = null;
    return run;
  }

  private static ProcessHandle awaitTrainer(
      LocalRuns.Handle handle, StringWriter out, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (handle.result().isDone()) {
        handle.result().get(); // throws what ended the loop
        throw new AssertionError("the run ended before its trainer was seen:\n" + out);
      }
      Optional<ProcessHandle> trainer =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().commandLine().orElse("").contains("ratchet-trainer"))
              .findFirst();
      if (trainer.isPresent()) {
        return trainer.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no trainer process within " + timeout + ":\n" + out);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}

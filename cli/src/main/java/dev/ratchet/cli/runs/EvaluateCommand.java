package dev.ratchet.cli.runs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.NumberText;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.local.LocalRunCommand;
import dev.ratchet.cli.local.TrainerProcess;
import dev.ratchet.core.supervisor.CheckpointEvaluationConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ratchet evaluate NAME}: plays evaluation episodes with one stored checkpoint on this
 * machine — the trainer jar in its evaluate mode, reading the checkpoint from the run's storage —
 * prints the figures and writes them as JSON. The same checkpoint, episodes and seed give the same
 * figures as the trainer's own evaluation when the checkpoint was written. An external
 * environment's server is started here too, from the run's command on a free port, and stopped with
 * the trainer.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a stored checkpoint on this machine: episodes with the greedy policy on seeded"
            + " environments; prints a table and writes JSON.")
public final class EvaluateCommand extends RunVerb {

  @Option(
      names = "--checkpoint",
      paramLabel = "ID|best|latest",
      defaultValue = "best",
      description = "The checkpoint: an id (ratchet checkpoints NAME lists them), best or latest.")
  String checkpoint;

  @Option(
      names = "--episodes",
      paramLabel = "N",
      description = "Evaluation episodes (default: spec.evaluation.episodes, else 10).")
  Integer episodes;

  @Option(
      names = "--deterministic",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Act greedily (default); --no-deterministic samples from the policy.")
  boolean deterministic;

  @Option(
      names = "--seed",
      description =
          "Seed of the evaluation environments (default: the run's evaluation seed,"
              + " spec.evaluation.seed or environment.seed + 1).")
  Long seed;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where the JSON goes (default: ratchet-evaluations/NAME/CHECKPOINT.json).")
  Path out;

  @Option(
      names = "--trainer-jar",
      description = "The trainer jar (default: built next to this command).")
  Path trainerJar;

  @Override
  int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException {
    if (episodes != null && episodes < 1) {
      throw new RunSourceException("--episodes must be at least 1, got " + episodes);
    }
    RunFiles files = runs.files(run);
    List<CheckpointManifest> committed;
    try {
      committed = files.checkpoints().committed();
    } catch (RuntimeException e) {
      throw new RunSourceException("cannot list the checkpoints: " + e.getMessage());
    }
    CheckpointManifest chosen = choose(committed, run.getStatus(), run.getMetadata().getName());
    TrainerConfig.EvaluationPolicy policy = policy(run);
    TrainerConfig config =
        CheckpointEvaluationConfig.of(
            run, chosen, files.checkpointUri(chosen.id()), files.access().endpoint(), policy);
    if (config.environment().name == EnvironmentName.EXTERNAL) {
      config = config.withEnvironment(onFreePort(config.environment()));
    }
    Path result =
        this.out != null
            ? currentDirectory().resolve(this.out)
            : currentDirectory()
                .resolve("ratchet-evaluations")
                .resolve(run.getMetadata().getName())
                .resolve(chosen.id() + ".json");
    EvaluationResult evaluation = evaluate(config, files.access(), result);
    out.print(table(run, chosen, evaluation));
    Path here = currentDirectory().toAbsolutePath().normalize();
    Path written = result.toAbsolutePath().normalize();
    out.println("Written: " + (written.startsWith(here) ? here.relativize(written) : written));
    return 0;
  }

  /**
   * An external environment with its server, which the trainer process starts from the run's
   * command on this machine, on a free port: the run's own port may be its training server's, whose
   * copies an evaluation must not reset.
   */
  private static EnvironmentSpec onFreePort(EnvironmentSpec spec) throws RunSourceException {
    EnvironmentSpec copy = new ObjectMapper().convertValue(spec, EnvironmentSpec.class);
    try (ServerSocket socket = new ServerSocket(0)) {
      copy.external.port = socket.getLocalPort();
    } catch (IOException e) {
      throw new RunSourceException("cannot find a free port for the environment server: " + e);
    }
    return copy;
  }

  /** The checkpoint the user named: an id, best or latest (as status names them). */
  private CheckpointManifest choose(
      List<CheckpointManifest> committed, TrainingRunStatus status, String name)
      throws RunSourceException {
    if (committed.isEmpty()) {
      throw new RunSourceException("run " + name + " has no committed checkpoint yet");
    }
    String id =
        switch (checkpoint) {
          case "best" -> {
            if (status == null || status.bestCheckpoint == null) {
              throw new RunSourceException(
                  "run "
                      + name
                      + " has no best checkpoint yet: name one with --checkpoint (ratchet"
                      + " checkpoints "
                      + name
                      + " lists them) or use --checkpoint latest");
            }
            yield status.bestCheckpoint.id;
          }
          case "latest" -> {
            CheckpointRef latest = status == null ? null : status.latestCheckpoint;
            yield latest != null ? latest.id : committed.get(committed.size() - 1).id();
          }
          default -> checkpoint;
        };
    return committed.stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new RunSourceException(
                    "run "
                        + name
                        + " has no committed checkpoint "
                        + id
                        + " (committed: "
                        + committed.stream()
                            .map(CheckpointManifest::id)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }

  /** The evaluation asked for: the options, else the run's spec.evaluation, else 10 greedy. */
  private TrainerConfig.EvaluationPolicy policy(TrainingRun run) {
    TrainerConfig.EvaluationPolicy spec =
        CheckpointEvaluationConfig.ofSpec(
            run.getSpec(), CheckpointEvaluationConfig.DEFAULT_EPISODES);
    return new TrainerConfig.EvaluationPolicy(
        episodes != null ? episodes : spec.episodes(),
        deterministic,
        seed != null ? seed : spec.seed());
  }

  /** Runs the trainer in its evaluate mode and reads what it wrote. */
  private EvaluationResult evaluate(TrainerConfig config, S3Access access, Path result)
      throws RunSourceException {
    Path jar;
    Path dir;
    try {
      jar = trainerJar != null ? trainerJar : LocalRunCommand.defaultTrainerJar();
      if (jar == null || !Files.isRegularFile(jar)) {
        throw new RunSourceException(
            "trainer jar not found"
                + (jar == null ? "" : " at " + jar)
                + ": build it with ./mvnw -pl trainer-image -am package -DskipTests, or pass"
                + " --trainer-jar");
      }
      Files.createDirectories(result.toAbsolutePath().getParent());
      Files.deleteIfExists(result);
      dir = Files.createTempDirectory("ratchet-evaluate-");
    } catch (IOException e) {
      throw new RunSourceException("cannot prepare the evaluation: " + e.getMessage());
    }
    try {
      String failure =
          TrainerProcess.startEvaluation(
                  jar, dir, config, access.accessKey(), access.secretKey(), result)
              .awaitFailure();
      if (failure != null) {
        throw new RunSourceException(
            "the evaluation failed: "
                + failure
                + " (trainer log: "
                + dir.resolve("trainer.log")
                + ")");
      }
      return new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .readValue(result.toFile(), EvaluationResult.class);
    } catch (IOException e) {
      throw new RunSourceException("the evaluation failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunSourceException("interrupted while evaluating");
    }
  }

  /** The figures, and beside them the trainer's own evaluation of that checkpoint, if any. */
  private static String table(TrainingRun run, CheckpointManifest c, EvaluationResult e) {
    StringBuilder b = new StringBuilder();
    b.append("Evaluated ")
        .append(c.id())
        .append(" of ")
        .append(run.getMetadata().getName())
        .append(" (phase ")
        .append(c.phase())
        .append(", episode ")
        .append(c.episode())
        .append(") on this machine:\n");
    row(
        b,
        "episodes",
        e.episodes() + (e.deterministic() ? " greedy" : " sampled") + ", seed " + e.seed());
    row(b, "score", NumberText.of(e.scoreMean()) + " ± " + NumberText.of(e.scoreStd()));
    row(b, "success", e.successRate() == null ? "–" : NumberText.of(100 * e.successRate()) + " %");
    row(b, "length", NumberText.of(e.lengthMean()) + " steps");
    row(b, "time", NumberText.of(e.seconds()) + " s");
    Double window = c.metrics() == null ? null : c.metrics().get("scoreMean");
    if (window != null) {
      row(
          b,
          "training",
          "score " + NumberText.of(window) + " over the training window when written");
    }
    EvaluationResult own = c.evaluation();
    if (own != null) {
      boolean same =
          own.episodes() == e.episodes()
              && own.deterministic() == e.deterministic()
              && own.seed() == e.seed();
      row(
          b,
          "at writing",
          "score "
              + NumberText.of(own.scoreMean())
              + " ± "
              + NumberText.of(own.scoreStd())
              + ", success "
              + (own.successRate() == null ? "–" : NumberText.of(100 * own.successRate()) + " %")
              + " ("
              + own.episodes()
              + (own.deterministic() ? " greedy" : " sampled")
              + ", seed "
              + own.seed()
              + (same
                  ? own.withoutSeconds().equals(e.withoutSeconds())
                      ? "; the same episodes, identical figures)"
                      : "; the same episodes, DIFFERENT figures)"
                  : ")"));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String label, String value) {
    b.append(String.format("  %-11s %s%n", label, value));
  }
}

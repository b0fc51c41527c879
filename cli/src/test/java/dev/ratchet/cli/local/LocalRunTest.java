package dev.ratchet.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.s3.EmbeddedS3Server;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's first command, for real: the quickstart with the trainer jar as a child process. */
class LocalRunTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static Path trainerJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "trainer-image", "target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("ratchet-trainer-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("package trainer-image first"));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private int run(String... args) {
    CommandLine cli = RatchetCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  /** Runs {@code examples/NAME.yaml} in local mode; expects exit 0 and returns its status. */
  private TrainingRunStatus runExample(String name, Path workdir) throws Exception {
    int exit =
        run(
            "local",
            "run",
            "../examples/" + name + ".yaml",
            "--workdir",
            workdir.toString(),
            "--port",
            Integer.toString(freePort()),
            "--trainer-jar",
            trainerJar().toString());
    assertThat(exit).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    return new ObjectMapper(new YAMLFactory())
        .readValue(workdir.resolve(name + "/status.yaml").toFile(), TrainingRunStatus.class);
  }

  @Test
  void theMinimalRunTrainsWithEveryDefault(@TempDir Path workdir) throws Exception {
    TrainingRunStatus status = runExample("cartpole-minimal", workdir);

    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.episode).isGreaterThanOrEqualTo(300);
    // the default bucket and prefix, in the embedded S3 server
    assertThat(status.bestCheckpoint.uri)
        .startsWith("s3://ratchet-checkpoints/ratchet/local/cartpole-minimal/checkpoints/");
    assertThat(
            workdir.resolve(
                "s3/ratchet-checkpoints/ratchet/local/cartpole-minimal/checkpoints/"
                    + status.bestCheckpoint.id
                    + "/manifest.json"))
        .isRegularFile();
  }

  @Test
  void quickstartSolvesCartPoleWithCommittedCheckpoints(@TempDir Path workdir) throws Exception {
    TrainingRunStatus status = runExample("cartpole-quickstart", workdir);

    assertThat(status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(status.bestCheckpoint.scoreMean).as("solved CartPole").isGreaterThanOrEqualTo(475.0);
    assertThat(status.metrics.successRate)
        .as("CartPole's success: the pole up at 500")
        .isPositive();
    Path checkpoints =
        workdir.resolve("s3/ratchet-checkpoints/quickstart/local/cartpole-quickstart/checkpoints");
    List<Path> committed;
    try (Stream<Path> folders = Files.list(checkpoints)) {
      committed = folders.filter(f -> Files.exists(f.resolve("manifest.json"))).toList();
    }
    assertThat(committed)
        .extracting(p -> p.getFileName().toString())
        .contains(status.bestCheckpoint.id);
    String lines = out.toString();
    assertThat(lines)
        .contains("[train] episode")
        .contains("» CheckpointCommitted:")
        .contains("ep/min")
        .doesNotContain("episode 0/")
        .doesNotContain("alpha entropy")
        .containsPattern(
            "\\[train\\] episode \\d+/1000  score mean \\S+ \\(last 20\\)  success \\S+ %")
        .containsPattern("Run cartpole-quickstart Succeeded: .* ended at episode \\d+");
    // One line per 20 episodes (1000 / 50), from the trainer's records however seldom it is read
    assertThat(lines.lines().filter(l -> l.startsWith("[train] episode ")))
        .allSatisfy(
            l ->
                assertThat(
                        Long.parseLong(l.replaceAll("^\\[train\\] episode (\\d+)/.*", "$1")) % 20)
                    .as(l)
                    .isZero());
    // One best checkpoint everywhere: the event, the final line, status.yaml and the report
    String best = status.bestCheckpoint.id;
    assertThat(lines.lines().filter(l -> l.startsWith("» Succeeded:")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("The best checkpoint is " + best + " ");
    assertThat(lines.strip().lines().reduce((a, b) -> b).orElseThrow())
        .contains("The best checkpoint is " + best + " ");
    // The last line says where the report is; the report has the phase table and its charts.
    Path report = workdir.resolve("cartpole-quickstart/report/report.md");
    assertThat(lines.strip().lines().reduce((a, b) -> b).orElseThrow())
        .endsWith("Report: " + report + ".");
    assertThat(Files.readString(report))
        .contains(best)
        .contains("| phase | episodes | score mean ± std |")
        .containsPattern("\\| train \\| \\d+ \\(1–\\d+\\) \\|");
    for (String png : List.of("score.png", "score-distribution.png")) {
      BufferedImage image = ImageIO.read(report.resolveSibling(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).isGreaterThan(600);
    }
    // The S3 credentials reach the trainer as environment variables only: never in its config
    // file, its log, status, the report or what the command printed.
    List<Path> written;
    try (Stream<Path> files = Files.walk(workdir.resolve("cartpole-quickstart"))) {
      written =
          files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".png")).toList();
    }
    assertThat(written)
        .extracting(f -> f.getFileName().toString())
        .contains("status.yaml", "trainer-config.json", "trainer.log", "report.md");
    for (Path f : written) {
      assertThat(Files.readString(f)).as(f.toString()).doesNotContain(EmbeddedS3Server.SECRET_KEY);
    }
    assertThat(out.toString() + err).doesNotContain(EmbeddedS3Server.SECRET_KEY);
  }

  @Test
  void busyPortAndUnwritableWorkdirGiveOneLineAndExitTwo(@TempDir Path workdir) throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int exit =
          run(
              "local",
              "run",
              "../examples/cartpole-quickstart.yaml",
              "--workdir",
              workdir.toString(),
              "--port",
              Integer.toString(busy.getLocalPort()),
              "--trainer-jar",
              trainerJar().toString());

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString().strip())
          .isEqualTo("ratchet: port " + busy.getLocalPort() + " is busy: pass another with --port");
    }
    Path file = Files.writeString(workdir.resolve("not-a-dir"), "x");
    err.getBuffer().setLength(0);

    int exit =
        run("local", "run", "../examples/cartpole-quickstart.yaml", "--workdir", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("ratchet: workdir " + file + " is not writable")
        .doesNotContain("\tat ");
  }

  @Test
  void invalidFileExitsTwoNamingTheField(@TempDir Path workdir) throws Exception {
    Path bad =
        Files.writeString(
            workdir.resolve("bad.yaml"),
            Files.readString(Path.of("../examples/cartpole-quickstart.yaml"))
                .replace("numEnvs: 8", "numEnvs: -1"));

    assertThat(run("local", "run", bad.toString(), "--workdir", workdir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("spec.environment.numEnvs: must be at least 1, got -1");
  }
}

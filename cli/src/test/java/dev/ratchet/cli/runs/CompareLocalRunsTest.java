package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.NumberText;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.local.LocalRuns;
import dev.ratchet.cli.report.ReportTables;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ratchet compare} on two real local runs — the trainer jar as a child process — a CartPole
 * baseline and a variant with a second phase whose learning rate is far too high: each run's
 * figures in the comparison are those of its own report.
 */
class CompareLocalRunsTest {

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  private Result ratchet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        RatchetCommand.newCommandLine(tmp)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * The quickstart as {@code name}, labelled for the experiment, 250 episodes long; {@code variant}
   * splits it into a "learn" phase to 150 and a "push" phase at learning rate 0.2.
   */
  private Path spec(String name, boolean variant) throws IOException {
    String yaml = Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml"));
    yaml =
        yaml.replace(
                "name: cartpole-quickstart", "name: " + name + "\n  labels: {experiment: lr-push}")
            .replace("episode: 1000", "episode: " + (variant ? 150 : 250));
    if (variant) {
      yaml =
          yaml.replace("  - name: train\n", "  - name: learn\n")
              .replace(
                  "  checkpoints:\n",
                  "  - name: push\n    until: {episode: 250}\n    overrides: {learningRate: 0.2}\n"
                      + "  checkpoints:\n");
    }
    Path file = tmp.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private TrainingRunStatus runLocally(String name, boolean variant, Path workdir)
      throws Exception {
    Result r =
        ratchet(
            "local",
            "run",
            spec(name, variant).toString(),
            "--workdir",
            workdir.toString(),
            "--port",
            Integer.toString(freePort()),
            "--trainer-jar",
            LocalRuns.trainerJar().toAbsolutePath().toString());
    assertThat(r.code()).as("stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    return new ObjectMapper(new YAMLFactory())
        .readValue(workdir.resolve(name + "/status.yaml").toFile(), TrainingRunStatus.class);
  }

  @Test
  void twoRealRunsComparedByLabelMatchTheirOwnReports() throws Exception {
    Path workdir = tmp.resolve("wd");
    TrainingRunStatus baseline = runLocally("baseline", false, workdir);
    TrainingRunStatus variant = runLocally("push", true, workdir);
    assertThat(baseline.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(variant.state).isEqualTo(RunState.SUCCEEDED);

    Result compare =
        ratchet(
            "compare",
            "-l",
            "experiment=lr-push",
            "--workdir",
            workdir.toString(),
            "--out",
            "cmp",
            "--every",
            "100");

    assertThat(compare.code()).as(compare.err()).isZero();
    assertThat(compare.out()).startsWith("Comparison of baseline, push: ");
    Path md = tmp.resolve("cmp").resolve("report.md");
    List<String> phases = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    for (String run : List.of("baseline", "push")) {
      Result own =
          ratchet(
              "report",
              run,
              "--workdir",
              workdir.toString(),
              "--out",
              "own-" + run,
              "--every",
              "100");
      assertThat(own.code()).as(own.err()).isZero();
      Path ownMd = tmp.resolve("own-" + run).resolve("report.md");
      ReportTables.rows(ownMd, "Phases").forEach(r -> phases.add(ReportTables.withRun(run, r)));
      ReportTables.rows(ownMd, "Every 100 episodes")
          .forEach(r -> segments.add(ReportTables.withRun(run, r)));
    }
    assertThat(ReportTables.rows(md, "Phases"))
        .as("one baseline phase, the variant's learn and push")
        .hasSize(3)
        .containsExactlyElementsOf(phases);
    assertThat(ReportTables.rows(md, "Every 100 episodes"))
        .hasSizeGreaterThanOrEqualTo(6)
        .containsExactlyInAnyOrderElementsOf(segments);
    assertThat(ReportTables.rows(md, "What differs"))
        .contains(
            "| `phases` | train | learn → push |",
            "| `phases.push.overrides.learningRate` | – | 0.2 |");
    List<String> best = ReportTables.rows(md, "Best checkpoints");
    assertThat(best).containsExactly(bestRow("baseline", baseline), bestRow("push", variant));
    assertThat(ReportTables.rows(md, "Rollbacks"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith(
                        "| push | "
                            + variant.history.stream()
                                .filter(h -> h.type.name().contains("ROLLBACK"))
                                .count()
                            + " | "));
    for (String png : List.of("score.png")) {
      BufferedImage image = ImageIO.read(tmp.resolve("cmp").resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).isEqualTo(1200);
    }
    assertThat(tmp.resolve("cmp").resolve("alpha-entropy.png"))
        .as("no router in an MLP")
        .doesNotExist();
  }

  private static String bestRow(String run, TrainingRunStatus s) {
    return "| "
        + run
        + " | `"
        + s.bestCheckpoint.id
        + "` | "
        + s.bestCheckpoint.episode
        + " | "
        + NumberText.of(s.bestCheckpoint.scoreMean)
        + " | – | – |";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

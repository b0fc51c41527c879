package dev.ratchet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A comparison of two mixture-of-experts runs: each run's figures are its own report's. */
class CompareWriterTest {

  @TempDir Path out;

  private static final Instant START = Instant.parse("2026-11-01T10:00:00Z");

  /**
   * A routed run of 600 episodes over {@code phases} (each until the episode beside it), one second
   * per episode, learning at {@code pace}; evaluated at 300 with 16 episodes when asked.
   */
  private static List<EpisodeRecord> run(
      String[] phases, long[] until, double pace, boolean evaluated, long seed) {
    Random rng = new Random(seed);
    List<EpisodeRecord> episodes = new ArrayList<>();
    for (long e = 1; e <= 600; e++) {
      int p = 0;
      while (e > until[p]) {
        p++;
      }
      double score = Math.max(0, Math.min(500, e * pace + rng.nextGaussian() * 30));
      EpisodeRecord.Window window =
          evaluated && e > 300
              ? new EpisodeRecord.Window(
                  20, e * pace, 30, 1, 0, null, 0, 0.5, 16, 410.0, 25.0, 0.875, 300L)
              : new EpisodeRecord.Window(20, e * pace, 30, 1, 0, null, 0, 0.5);
      episodes.add(
          new EpisodeRecord(
              e,
              score,
              score / 200,
              200,
              phases[p],
              1,
              e * 200,
              START.plusSeconds(e - 1).toString(),
              Math.log(4) - e * 0.0015 + rng.nextDouble() * 0.05,
              List.of(0.4, 0.3, 0.2, 0.1),
              1.0,
              window,
              score >= 450));
    }
    return episodes;
  }

  private static TrainingRunStatus status(String best, long episode, Double eval, Double success) {
    TrainingRunStatus s = new TrainingRunStatus();
    s.state = RunState.SUCCEEDED;
    s.episode = 600L;
    s.bestCheckpoint = new CheckpointRef();
    s.bestCheckpoint.id = best;
    s.bestCheckpoint.episode = episode;
    s.bestCheckpoint.scoreMean = 333.5;
    s.bestCheckpoint.evalScoreMean = eval;
    s.bestCheckpoint.evalSuccessRate = success;
    return s;
  }

  @Test
  void aBaselineAndAVariantReadSideBySideWithTheFiguresOfTheirOwnReports() throws Exception {
    TrainingRunStatus baselineStatus = status("ep-000000500-a0001", 500, null, null);
    HistoryEntry rollback = new HistoryEntry();
    rollback.type = HistoryType.ROLLBACK;
    rollback.episode = 420L;
    rollback.to = "ep-000000400-a0001";
    rollback.reason = "scoreMean fell to 12 | below half the best";
    baselineStatus.history.add(rollback);
    ReportInput baseline =
        new ReportInput(
            "research",
            "dungeon-moe",
            baselineStatus,
            run(new String[] {"warmup", "fine-tune"}, new long[] {300, 600}, 0.55, false, 1),
            50);
    ReportInput variant =
        new ReportInput(
            "research",
            "dungeon-moe-transition",
            status("ep-000000300-a0001", 300, 410.0, 0.875),
            run(
                new String[] {"warmup", "transition", "fine-tune"},
                new long[] {200, 400, 600},
                0.7,
                true,
                2),
            20);

    Path md = CompareWriter.write(List.of(baseline, variant), lookDir("moe"), 100);

    // Each run's phase and segment rows are those of its own report, with its name in front.
    List<String> phases = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    for (ReportInput in : List.of(baseline, variant)) {
      Path own = ReportWriter.write(in, out.resolve("own-" + in.run()), 100);
      ReportTables.rows(own, "Phases").forEach(r -> phases.add(ReportTables.withRun(in.run(), r)));
      assertThat(ReportTables.rows(own, "Every 100 episodes")).hasSize(6);
      for (String row : ReportTables.rows(own, "Every 100 episodes")) {
        segments.add(ReportTables.withRun(in.run(), row));
      }
    }
    assertThat(ReportTables.rows(md, "Phases")).containsExactlyElementsOf(phases).hasSize(5);
    assertThat(ReportTables.rows(md, "Every 100 episodes"))
        .containsExactlyInAnyOrderElementsOf(segments)
        // stretch by stretch, the baseline first in each
        .startsWith(segments.get(0), segments.get(6));

    String text = Files.readString(md);
    assertThat(text)
        .contains("# Comparison: dungeon-moe, dungeon-moe-transition")
        // 600 records one second apart: 599 s from the first to the last
        .contains(
            "| dungeon-moe | research | Succeeded | 600 of 600 (1–600) | warmup → fine-tune |"
                + " 50 | 9 min 59 s |")
        .contains("| warmup → transition → fine-tune | 20 | 9 min 59 s |")
        .contains("| dungeon-moe | `ep-000000500-a0001` | 500 | 333.5 | – | – |")
        .contains(
            "| dungeon-moe-transition | `ep-000000300-a0001` | 300 | 333.5 | "
                + MarkdownReport.num(410.0)
                + " | "
                + MarkdownReport.num(87.5)
                + " % |")
        .contains("| dungeon-moe-transition | `ep-000000300-a0001` | 16 |")
        .contains(
            "| dungeon-moe | 1 | 0 | R1 at episode 420 to `ep-000000400-a0001`: scoreMean fell to"
                + " 12 \\| below half the best |")
        .contains("| dungeon-moe-transition | 0 | 0 | – |")
        .contains("![score](score.png)")
        .contains("![alpha entropy](alpha-entropy.png)");
    for (String png : List.of("score.png", "alpha-entropy.png")) {
      Path chart = md.resolveSibling(png);
      ReportWriterTest.assertDrawn(chart);
      // each run in its own colour, in the legend and its line
      assertThat(colours(chart))
          .contains(CompareCharts.colour(0).getRGB(), CompareCharts.colour(1).getRGB());
    }
    assertThat(CompareCharts.colour(0)).isNotEqualTo(CompareCharts.colour(1));
  }

  @Test
  void runsWithoutARouterGetNoAlphaEntropyChartAndSayWhy() throws Exception {
    List<EpisodeRecord> a = new ArrayList<>();
    List<EpisodeRecord> b = new ArrayList<>();
    for (long e = 1; e <= 50; e++) {
      a.add(plain(e, e));
      b.add(plain(e, 2 * e));
    }
    Path md =
        CompareWriter.write(
            List.of(
                new ReportInput("local", "a", null, a, 10),
                new ReportInput("other", "b", null, b, null)),
            out.resolve("plain"),
            null);

    assertThat(Files.readString(md))
        .contains("no policy here has a router")
        .doesNotContain("## Every")
        // runs of two namespaces are named with theirs
        .contains("| local/a | local | no status | 50 of 50 (1–50) | train | 10 | 49 s |")
        .contains("| other/b | other | no status | 50 of 50 (1–50) | train | 5 (chosen) |")
        .contains("| local/a | none yet | | | | |");
    assertThat(md.resolveSibling("alpha-entropy.png")).doesNotExist();
    ReportWriterTest.assertDrawn(md.resolveSibling("score.png"));
  }

  private static EpisodeRecord plain(long episode, double score) {
    return new EpisodeRecord(
        episode,
        score,
        1,
        (int) score,
        "train",
        1,
        episode * 10,
        START.plusSeconds(episode - 1).toString(),
        null,
        null,
        null,
        null,
        null);
  }

  private static List<Integer> colours(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    List<Integer> seen = new ArrayList<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        seen.add(image.getRGB(x, y));
      }
    }
    return seen;
  }

  /** A folder kept after the test when -Dratchet.report.look=DIR is set, to look at the PNGs. */
  private Path lookDir(String name) throws Exception {
    String look = System.getProperty("ratchet.report.look");
    return look == null
        ? out.resolve(name)
        : Files.createDirectories(Path.of(look, "compare-" + name));
  }
}

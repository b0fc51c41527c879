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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports from recorded-looking runs: figures checked by hand, charts decoded and non-trivial. */
class ReportWriterTest {

  @TempDir Path out;

  private static EpisodeRecord cartpole(long episode, int attempt, double score) {
    return new EpisodeRecord(
        episode,
        score,
        1.0,
        (int) score,
        "train",
        attempt,
        episode * 100,
        "t",
        null,
        null,
        null,
        null);
  }

  @Test
  void smallRunFiguresMatchAHandComputation() throws Exception {
    // Attempt 1 plays 1..6, attempt 2 resumes from episode 4 and replays 5..8.
    List<EpisodeRecord> episodes =
        List.of(
            cartpole(1, 1, 5),
            cartpole(2, 1, 15),
            cartpole(3, 1, 25),
            cartpole(4, 1, 60),
            cartpole(5, 1, 1),
            cartpole(6, 1, 2),
            cartpole(5, 2, 150),
            cartpole(6, 2, 350),
            cartpole(7, 2, 500),
            cartpole(8, 2, -3));
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 8L;
    HistoryEntry rollback = new HistoryEntry();
    rollback.type = HistoryType.ROLLBACK;
    rollback.episode = 6L;
    rollback.to = "ep-000000004-a0001";
    rollback.reason = "scoreMean fell to 1.5";
    status.history.add(rollback);

    Path md = ReportWriter.write(new ReportInput("local", "small", status, episodes), out);

    String text = Files.readString(md);
    // Kept: 5, 15, 25, 60, 150, 350, 500, -3 → mean 137.75; population std 175.96.
    assertThat(text)
        .contains("# Training report: local/small")
        .contains("- State: **Succeeded** at episode 8")
        .contains("2 episodes were played again")
        .contains("| train | 8 (1–8) | 137.75 ± 175.96 | 1.00 ± 0.00 | – | 500.00 |")
        .contains("| phase | <0 | 0–10 | 10–20 | 20–50 | 50–100 | 100–300 | ≥300 |")
        .contains("| train | 1 | 1 | 1 | 1 | 1 | 1 | 2 |")
        .contains("| 1 | 7 | 500.00 | 1.00 | 500 | train | 2 |")
        .contains("| first | 1–4 | 26.25 |")
        .contains("| second | 5–8 | 249.25 |")
        .contains("Change: +223.00 (+849.5%)")
        .contains("| 6 | automatic | `ep-000000004-a0001` | scoreMean fell to 1.5 |")
        .contains("No alpha entropy in the records")
        .doesNotContain("expert-usage.png");
    assertThat(out.resolve("alpha-entropy.png")).doesNotExist();
    assertDrawn(out.resolve("score.png"));
    assertDrawn(out.resolve("score-distribution.png"));

    // The same input gives the same files, byte for byte.
    Path again = out.resolve("again");
    ReportWriter.write(new ReportInput("local", "small", status, episodes), again);
    for (String file : List.of("report.md", "score.png", "score-distribution.png")) {
      assertThat(again.resolve(file)).as(file).hasSameBinaryContentAs(out.resolve(file));
    }
  }

  @Test
  void threePhaseMoeRunWithARollbackChartsEverything() throws Exception {
    Path dir = lookDir("moe");
    Random rng = new Random(7);
    List<EpisodeRecord> episodes = new ArrayList<>();
    String[] phases = {"warmup", "transition", "fine-tune"};
    // Attempt 1: learns, collapses at 1800; attempt 2 resumes from 1500 and goes on to 3000.
    for (int attempt = 1; attempt <= 2; attempt++) {
      long from = attempt == 1 ? 1 : 1501;
      long to = attempt == 1 ? 1850 : 3000;
      for (long e = from; e <= to; e++) {
        String phase = phases[e <= 1000 ? 0 : e <= 2000 ? 1 : 2];
        double skill = Math.min(400, e * 0.15);
        if (attempt == 1 && e > 1800) {
          skill = 10;
        }
        double score = Math.max(0, skill + rng.nextGaussian() * 40);
        double entropy =
            e <= 1000
                ? Math.log(4) - 0.05 * rng.nextDouble()
                : Math.max(0.2, 1.3 - (e - 1000) * 0.0005);
        // Expert 0 takes over; 1 holds a steady share, 2 and 3 fade at different rates.
        double dominant = Math.min(0.85, 0.25 + (e / 3000.0) * 0.6);
        double second = 0.25 - (e / 3000.0) * 0.13;
        double third = (1 - dominant - second) * 0.7;
        double fourth = 1 - dominant - second - third;
        episodes.add(
            new EpisodeRecord(
                e,
                score,
                score / 200,
                200,
                phase,
                attempt,
                e * 200,
                "t",
                entropy,
                List.of(dominant, second, third, fourth),
                e <= 1000 ? 1.0 : 0.5,
                null));
      }
    }
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 3000L;
    status.rollbacks = 1;
    status.bestCheckpoint = new CheckpointRef();
    status.bestCheckpoint.id = "ep-000002900-a0002";
    status.bestCheckpoint.episode = 2900L;
    status.bestCheckpoint.scoreMean = 401.2;
    status.bestCheckpoint.uri = "s3://b/ep-000002900-a0002/";
    HistoryEntry h = new HistoryEntry();
    h.type = HistoryType.ROLLBACK;
    h.episode = 1850L;
    h.to = "ep-000001500-a0001";
    h.reason =
        "scoreMean fell to 10 at episode 1850, below the threshold 140 (0.5 of the way from the"
            + " baseline 20 to the best 260 seen at episode 1790); rolled back to the best"
            + " checkpoint ep-000001500-a0001, learning rate ×0.5 (now ×0.5)";
    status.history.add(h);

    ReportWriter.write(new ReportInput("research", "dungeon-moe", status, episodes), dir);

    String text = Files.readString(dir.resolve("report.md"));
    assertThat(text)
        .contains("350 episodes were played again")
        .contains("| warmup | 1000 (1–1000) |")
        .contains("| transition | 1000 (1001–2000) |")
        .contains("| fine-tune | 1000 (2001–3000) |")
        .contains("![alpha entropy](alpha-entropy.png)")
        .contains("![expert usage](expert-usage.png)");
    // Warmup's alpha entropy is about ln 4 (1.36–1.39).
    assertThat(text)
        .containsPattern("\\| warmup \\| 1000 \\(1–1000\\) \\|[^|]*\\|[^|]*\\| 1\\.36 ± ");
    assertThat(ReportWriter.markerLabel(h))
        .isEqualTo("rollback → ep 1500 a1: scoreMean fell to 10");
    for (String png :
        List.of("score.png", "alpha-entropy.png", "expert-usage.png", "score-distribution.png")) {
      assertDrawn(dir.resolve(png));
    }
  }

  @Test
  void cartpoleMlpRunWithARestartAndAManualRollbackHasNoRouterCharts() throws Exception {
    Path dir = lookDir("cartpole");
    Random rng = new Random(11);
    List<EpisodeRecord> episodes = new ArrayList<>();
    // Attempt 1 plays 1..430 and crashes; attempt 2 restarts from the checkpoint of 400 and
    // plays to 560; a manual rollback to 500 has attempt 3 play 501..600.
    long[][] attempts = {{1, 430}, {401, 560}, {501, 600}};
    for (int a = 0; a < attempts.length; a++) {
      for (long e = attempts[a][0]; e <= attempts[a][1]; e++) {
        double score = Math.min(500, Math.max(8, 10 + e * 0.8 + rng.nextGaussian() * 60));
        episodes.add(
            new EpisodeRecord(
                e,
                Math.rint(score),
                1.0,
                (int) Math.rint(score),
                e <= 200 ? "warmup" : "train",
                a + 1,
                e * 150,
                "t",
                null,
                null,
                null,
                null));
      }
    }
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 600L;
    status.restarts = 1;
    HistoryEntry manual = new HistoryEntry();
    manual.type = HistoryType.MANUAL_ROLLBACK;
    manual.time = "2026-11-23T04:00:00Z";
    manual.episode = 560L;
    manual.to = "ep-000000500-a0002";
    manual.reason =
        "spec.rollback.nonce changed to \"2\": rolled back to checkpoint ep-000000500-a0002"
            + " (episode 500, phase train)";
    status.history.add(manual);

    ReportWriter.write(new ReportInput("local", "cartpole-quickstart", status, episodes), dir);

    String text = Files.readString(dir.resolve("report.md"));
    assertThat(text)
        .contains("- Episodes: 690 recorded over 3 attempts")
        .contains("90 episodes were played again")
        .contains("| warmup | 200 (1–200) |")
        .contains("| train | 400 (201–600) |")
        .contains("trailing mean over 30 episodes")
        .contains("| 2026-11-23T04:00:00Z | 560 | manual | `ep-000000500-a0002` |")
        .contains("no alpha entropy and expert usage charts")
        .doesNotContain("alpha-entropy.png")
        .doesNotContain("expert-usage.png");
    assertThat(ReportWriter.markerLabel(manual)).isEqualTo("manual rollback → ep 500 a2");
    assertThat(dir.resolve("alpha-entropy.png")).doesNotExist();
    assertThat(dir.resolve("expert-usage.png")).doesNotExist();
    assertDrawn(dir.resolve("score.png"));
    assertDrawn(dir.resolve("score-distribution.png"));
  }

  @Test
  void rollbackReasonsAreShortenedToTheirFirstClause() {
    assertThat(ReportWriter.shortReason(null)).isEmpty();
    assertThat(ReportWriter.shortReason("alpha entropy collapsed to 0.12 (below 0.3) at episode 9"))
        .isEqualTo("alpha entropy collapsed to 0.12");
    assertThat(
            ReportWriter.shortReason(
                "the trainer reported 3 non-finite values in a row and nothing else to say"))
        .hasSize(40)
        .endsWith("…");
  }

  @Test
  void aRunWithoutEpisodesSaysSo() throws Exception {
    Path md = ReportWriter.write(new ReportInput("local", "empty", null, List.of()), out);
    assertThat(Files.readString(md)).contains("No episode has finished yet");
  }

  @Test
  void bucketsAreLowerBoundInclusive() {
    assertThat(ReportStats.bucket(-0.1)).isZero();
    assertThat(ReportStats.bucket(0)).isEqualTo(1);
    assertThat(ReportStats.bucket(9.99)).isEqualTo(1);
    assertThat(ReportStats.bucket(10)).isEqualTo(2);
    assertThat(ReportStats.bucket(299.9)).isEqualTo(5);
    assertThat(ReportStats.bucket(300)).isEqualTo(6);
  }

  /** A decodable PNG of the chart size with many colours in it (not blank, not one fill). */
  static void assertDrawn(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as(png.toString()).isNotNull();
    assertThat(image.getWidth()).isEqualTo(ReportCharts.WIDTH);
    assertThat(image.getHeight()).isEqualTo(ReportCharts.HEIGHT);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours).as("colours in " + png).hasSizeGreaterThan(20);
  }

  /** A folder kept after the test when -Dratchet.report.look=DIR is set, to look at the PNGs. */
  private Path lookDir(String name) throws Exception {
    String look = System.getProperty("ratchet.report.look");
    return look == null ? out.resolve(name) : Files.createDirectories(Path.of(look, name));
  }
}

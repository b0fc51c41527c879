package dev.ratchet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports from recorded-looking runs: figures checked by hand, charts decoded and non-trivial. */
class ReportWriterTest {

  @TempDir Path out;

  private static EpisodeRecord cartpole(long episode, int attempt, double score) {
    return played(episode, score, 1.0, (int) score, "train", attempt, episode * 100);
  }

  /** An episode without router, window or success figures. */
  private static EpisodeRecord played(
      long episode,
      double score,
      double reward,
      int length,
      String phase,
      int attempt,
      long envSteps) {
    return new EpisodeRecord(
        episode, score, reward, length, phase, attempt, envSteps, "t", null, null, null, null,
        null);
  }

  @Test
  void thePhaseTableGivesTheShareOfEpisodesThatReachedTheGoal() throws Exception {
    List<EpisodeRecord> episodes = new ArrayList<>();
    for (int e = 1; e <= 8; e++) {
      EpisodeRecord r = cartpole(e, 1, e == 3 || e >= 6 ? 500 : 20);
      episodes.add(withSuccess(r, r.score() == 500)); // CartPole: up at the step limit
    }
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 8L;

    Path md =
        ReportWriter.write(
            new ReportInput("local", "goal", status, episodes, 4), lookDir("success"));

    // 4 of 8 episodes (3, 6, 7, 8) reached 500
    assertThat(Files.readString(md))
        .contains("| max score | success |")
        .containsPattern("\\| train \\| 8 \\(1–8\\) \\|.*\\| 500 \\| 50 % \\|");
  }

  private static EpisodeRecord withSuccess(EpisodeRecord r, boolean success) {
    return new EpisodeRecord(
        r.episode(),
        r.score(),
        r.reward(),
        r.length(),
        r.phase(),
        r.attempt(),
        r.envSteps(),
        r.time(),
        r.alphaEntropy(),
        r.expertUsage(),
        r.temperature(),
        r.window(),
        success);
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

    Path md = ReportWriter.write(new ReportInput("local", "small", status, episodes, 4), out);

    String text = Files.readString(md);
    // Kept: 5, 15, 25, 60, 150, 350, 500, -3 → mean 137.75; population std 175.96 (4 digits).
    assertThat(text)
        .contains("# Training report: local/small")
        .contains("- State: **Succeeded** at episode 8")
        .contains("2 episodes were played again")
        // records written before success was reported say nothing about it
        .contains("| train | 8 (1–8) | 137.8 ± 176 | 1 ± 0 | – | 500 | – |")
        // Scores from -3 to 500: 11 bins of 50 from -50, the last one closed so 500 is in it.
        .contains("11 bins of 50 spanning the scores from -50 to 500")
        .contains("| score | train |")
        .contains("| [-50, 0) | 1 |\n| [0, 50) | 3 |\n| [50, 100) | 1 |\n| [100, 150) | 0 |")
        // Bins no episode fell in make one row when they follow one another.
        .contains("| [150, 200) | 1 |\n| [200, 350) | 0 |\n| [350, 400) | 1 |\n")
        .contains("| [350, 400) | 1 |\n| [400, 450) | 0 |\n| [450, 500] | 1 |\n")
        .contains("trailing mean over the last 4 episodes, the run's `spec.divergence.window`")
        .contains("| 1 | 7 | 500 | 1 | 500 | train | 2 |")
        .contains("| first | 1–4 | 26.25 |")
        .contains("| second | 5–8 | 249.3 |")
        .contains("Change: +223 (+849.5%)")
        .contains("| R1 |  | 6 | automatic | `ep-000000004-a0001` | scoreMean fell to 1.5 |")
        .contains("No alpha entropy in the records")
        .doesNotContain("expert-usage.png");
    assertThat(out.resolve("alpha-entropy.png")).doesNotExist();
    assertDrawn(out.resolve("score.png"));
    assertDrawn(out.resolve("score-distribution.png"));

    // The same input gives the same files, byte for byte.
    Path again = out.resolve("again");
    ReportWriter.write(new ReportInput("local", "small", status, episodes, 4), again);
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
                null,
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

    ReportWriter.write(new ReportInput("research", "dungeon-moe", status, episodes, 100), dir);

    String text = Files.readString(dir.resolve("report.md"));
    assertThat(text)
        .contains("350 episodes were played again")
        .contains("| warmup | 1000 (1–1000) |")
        .contains("| transition | 1000 (1001–2000) |")
        .contains("| fine-tune | 1000 (2001–3000) |")
        .contains("![alpha entropy](alpha-entropy.png)")
        .contains("![expert usage](expert-usage.png)")
        .contains("each a trailing mean over the last 100 episodes, the run's");
    // Warmup's alpha entropy is about ln 4 (1.36–1.39).
    assertThat(text)
        .containsPattern("\\| warmup \\| 1000 \\(1–1000\\) \\|[^|]*\\|[^|]*\\| 1\\.3[6-9]\\d* ± ");
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
            played(
                e,
                Math.rint(score),
                1.0,
                (int) Math.rint(score),
                e <= 200 ? "warmup" : "train",
                a + 1,
                e * 150));
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

    // No window given, as from a caller without the spec: the report says which it chose and why.
    ReportWriter.write(
        new ReportInput("local", "cartpole-quickstart", status, episodes, null), dir);

    String text = Files.readString(dir.resolve("report.md"));
    assertThat(text)
        .contains("- Episodes: 690 recorded over 3 attempts")
        .contains("90 episodes were played again")
        .contains("| warmup | 200 (1–200) |")
        .contains("| train | 400 (201–600) |")
        .contains(
            "trailing mean over the last 60 episodes, chosen because the run's configured window"
                + " is not known: a tenth of the run's 600 episodes")
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
  void anEightThousandEpisodeRunWithCrowdedRollbacksGetsTagsThatNeitherOverlapNorLeaveTheirLines()
      throws Exception {
    Path dir = lookDir("crowded");
    Random rng = new Random(13);
    List<EpisodeRecord> episodes = new ArrayList<>();
    for (long e = 1; e <= 8000; e++) {
      boolean hit = rng.nextDouble() < Math.min(0.9, e / 6000.0);
      double score = hit ? 1250 + 60 * rng.nextDouble() : -1350 + 550 * rng.nextDouble();
      episodes.add(played(e, score, score / 1200, 900, e <= 300 ? "warmup" : "train", 1, e * 900));
    }
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;
    status.episode = 8000L;
    // Two rollbacks 2 episodes apart (one line at this scale), two more close by, one far off
    // and a manual one at the plot's right edge.
    long[] at = {2000, 2002, 2080, 2150, 6000, 7995};
    for (int i = 0; i < at.length; i++) {
      HistoryEntry h = new HistoryEntry();
      h.type = i == at.length - 1 ? HistoryType.MANUAL_ROLLBACK : HistoryType.ROLLBACK;
      h.episode = at[i];
      h.to = "ep-00000" + (at[i] - 100) + "-a0001";
      h.reason = "scoreMean fell to 10";
      status.history.add(h);
    }

    ReportWriter.write(new ReportInput("local", "intercept", status, episodes, 200), dir);

    NumberAxis axis = new NumberAxis();
    axis.setRange(1, 8000);
    TopLabels labels =
        new TopLabels(
            List.of(new TopLabels.Item("warmup", 1), new TopLabels.Item("train", 301)),
            ReportWriter.markers(status).stream()
                .map(m -> new TopLabels.Item(m.tag(), m.episode()))
                .toList(),
            ReportCharts.ROLLBACK);
    Rectangle2D area = new Rectangle2D.Double(70, 40, 1100, 440);
    List<LabelRows.Placed> placed = labels.layout(area, axis);
    assertThat(placed.stream().map(p -> p.label().text()))
        .containsExactlyInAnyOrder("warmup", "train", "R1,R2", "R3", "R4", "R5", "R6");
    for (LabelRows.Placed a : placed) {
      assertThat(a.left()).isGreaterThanOrEqualTo(area.getMinX());
      assertThat(a.right()).isLessThanOrEqualTo(area.getMaxX());
      if (a.label().align() == LabelRows.Align.CENTER) {
        assertThat(a.label().x()).as(a.label().text()).isBetween(a.left(), a.right());
        assertThat(a.row()).as("tags sit below the phase names").isPositive();
      }
      for (LabelRows.Placed b : placed) {
        if (a != b && a.row() == b.row()) {
          assertThat(a.right() <= b.left() || b.right() <= a.left()).as(a + " / " + b).isTrue();
        }
      }
    }
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains("| R6 |  | 7995 | manual |")
        .contains("trailing mean over the last 200 episodes");
    assertDrawn(dir.resolve("score.png"));
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
    Path md = ReportWriter.write(new ReportInput("local", "empty", null, List.of(), 100), out);
    assertThat(Files.readString(md)).contains("No episode has finished yet");
  }

  @Test
  void theMovingMeanIsTheRunsConfiguredWindowAndTheLegendSaysSo() {
    ReportStats.Window w = ReportStats.window(200, 8000);
    assertThat(w.episodes()).isEqualTo(200);
    assertThat(w.legend()).isEqualTo("mean of the last 200 episodes (spec.divergence.window)");
    assertThat(w.sentence()).startsWith("200 episodes, the run's `spec.divergence.window`");
    assertThat(ReportInput.windowOf(null)).isNull();
  }

  @Test
  void withoutAConfiguredWindowTheChosenOneIsStatedWithItsReason() {
    assertThat(ReportStats.window(null, 8000).legend())
        .isEqualTo("mean of the last 100 episodes (chosen: the default spec.divergence.window)");
    assertThat(ReportStats.window(null, 390).legend())
        .isEqualTo("mean of the last 39 episodes (chosen: a tenth of the run's 390 episodes)");
    assertThat(ReportStats.window(null, 5).episodes()).isEqualTo(1);
  }

  @Test
  void scoreBinsSpanEachEnvironmentsOwnRangeWithRoundBounds() {
    Random rng = new Random(3);
    double[] cartpole = new double[781];
    double[] intercept = new double[8000];
    double[] fractional = new double[300];
    for (int i = 0; i < cartpole.length; i++) {
      cartpole[i] = Math.min(500, 9 + rng.nextInt(520));
    }
    for (int i = 0; i < intercept.length; i++) {
      // Misses spread from -1350 to -800, hits bunched at 1250–1310.
      intercept[i] =
          rng.nextDouble() < 0.6 ? 1250 + 60 * rng.nextDouble() : -1350 + 550 * rng.nextDouble();
    }
    for (int i = 0; i < fractional.length; i++) {
      fractional[i] = 0.12 + 0.7 * rng.nextDouble();
    }
    for (double[] scores : List.of(cartpole, intercept, fractional, new double[] {7, 7, 7})) {
      ReportStats.Bins bins = ReportStats.bins(scores);
      double min = Arrays.stream(scores).min().orElseThrow();
      double max = Arrays.stream(scores).max().orElseThrow();
      assertThat(bins.lower(0)).isLessThanOrEqualTo(min).isGreaterThan(min - bins.width());
      assertThat(bins.upper(bins.count() - 1))
          .isGreaterThanOrEqualTo(max)
          .isLessThanOrEqualTo(max + bins.width());
      assertThat(bins.count()).isLessThanOrEqualTo(ReportStats.MAX_BINS + 1);
      assertThat(bins.width()).isIn(roundWidths());
      int[] counts = new int[bins.count()];
      for (double v : scores) {
        int b = bins.index(v);
        assertThat(v).isBetween(bins.lower(b), bins.upper(b));
        counts[b]++;
      }
      assertThat(counts[0]).as("the first bin holds the minimum").isPositive();
      assertThat(counts[bins.count() - 1]).as("the last bin holds the maximum").isPositive();
    }
    assertThat(ReportStats.bins(cartpole).label(ReportStats.bins(cartpole).count() - 1))
        .isEqualTo("[450, 500]");
    ReportStats.Bins interceptBins = ReportStats.bins(intercept);
    assertThat(interceptBins.count()).isGreaterThanOrEqualTo(ReportStats.MIN_BINS);
    long missBins =
        Arrays.stream(intercept)
            .filter(v -> v < 0)
            .mapToInt(interceptBins::index)
            .distinct()
            .count();
    assertThat(missBins).as("bins the misses spread over, not one <0 bucket").isGreaterThan(4);
  }

  @Test
  void wholeNumberScoresNeverGetBinsNarrowerThanOne() {
    ReportStats.Bins bins = ReportStats.bins(new double[] {0, 1, 2, 3, 3, 4});
    assertThat(bins.width()).isEqualTo(1);
    assertThat(bins.count()).isEqualTo(4);
    assertThat(bins.index(4)).isEqualTo(3);
  }

  @Test
  void binBoundsAreExactDecimalsAndOnlyTheLastBinIsClosed() {
    ReportStats.Bins bins = new ReportStats.Bins(1, 0.1, 3);
    assertThat(bins.label(0)).isEqualTo("[0.1, 0.2)");
    assertThat(bins.label(2)).isEqualTo("[0.3, 0.4]");
    assertThat(bins.index(0.2)).isEqualTo(1);
    assertThat(bins.index(0.4)).isEqualTo(2);
    assertThat(new ReportStats.Bins(-6, 250, 12).label(0)).isEqualTo("[-1500, -1250)");
  }

  @Test
  void labelsInOneRowNeverOverlapAndStayInsideThePlot() {
    Random rng = new Random(5);
    List<LabelRows.Label> labels = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      labels.add(
          new LabelRows.Label(
              "L" + i,
              80 + rng.nextDouble() * 1100,
              20 + rng.nextDouble() * 200,
              i % 2 == 0 ? LabelRows.Align.START : LabelRows.Align.CENTER));
    }
    List<LabelRows.Placed> placed = LabelRows.place(labels, 80, 1180, 0);
    assertThat(placed).hasSize(40);
    for (LabelRows.Placed a : placed) {
      assertThat(a.left()).isGreaterThanOrEqualTo(80);
      assertThat(a.right()).isLessThanOrEqualTo(1180);
      for (LabelRows.Placed b : placed) {
        if (a != b && a.row() == b.row()) {
          boolean apart =
              a.right() + LabelRows.GAP <= b.left() || b.right() + LabelRows.GAP <= a.left();
          assertThat(apart).as(a + " and " + b + " share a row").isTrue();
        }
      }
    }
  }

  @Test
  void eachLabelSitsByItsOwnLineEvenWhereThePlotEdgePushesIt() {
    List<LabelRows.Label> labels =
        List.of(
            new LabelRows.Label("R1", 500, 20, LabelRows.Align.CENTER),
            new LabelRows.Label("warmup", 300, 50, LabelRows.Align.START),
            new LabelRows.Label("R2", 1179, 20, LabelRows.Align.CENTER),
            new LabelRows.Label("fine-tune", 1150, 60, LabelRows.Align.START));
    for (LabelRows.Placed p : LabelRows.place(labels, 80, 1180, 0)) {
      LabelRows.Label l = p.label();
      if (l.align() == LabelRows.Align.CENTER) {
        // A tag covers its own dashed line: centred on it, or pushed only as far as the edge.
        assertThat(l.x()).as(l.text()).isBetween(p.left(), p.right());
      } else {
        assertThat(p.left()).as(l.text()).isLessThanOrEqualTo(l.x());
      }
    }
    LabelRows.Placed r1 =
        LabelRows.place(labels, 80, 1180, 0).stream()
            .filter(p -> p.label().text().equals("R1"))
            .findFirst()
            .orElseThrow();
    assertThat(r1.left() + r1.label().width() / 2).isEqualTo(500);
  }

  @Test
  void crowdedTagsStackIntoAsManyRowsAsCrowdOneSpotAndFarOnesShareTheTopRow() {
    List<LabelRows.Label> labels =
        List.of(
            new LabelRows.Label("R1", 400, 20, LabelRows.Align.CENTER),
            new LabelRows.Label("R2", 410, 20, LabelRows.Align.CENTER),
            new LabelRows.Label("R3", 420, 20, LabelRows.Align.CENTER),
            new LabelRows.Label("R4", 900, 20, LabelRows.Align.CENTER));
    List<LabelRows.Placed> placed = LabelRows.place(labels, 0, 1200, 1);
    assertThat(placed.stream().map(p -> p.label().text() + "@" + p.row()))
        .containsExactlyInAnyOrder("R1@1", "R2@2", "R3@3", "R4@1");
    assertThat(LabelRows.rows(placed)).isEqualTo(4);
  }

  @Test
  void tagsOfLinesThatCannotBeToldApartMergeIntoOne() {
    List<LabelRows.Label> merged =
        LabelRows.mergeClose(
            List.of(
                new LabelRows.Label("R3", 150, 20, LabelRows.Align.CENTER),
                new LabelRows.Label("R1", 100, 20, LabelRows.Align.CENTER),
                new LabelRows.Label("R2", 103, 20, LabelRows.Align.CENTER)),
            text -> 10.0 * text.length());
    assertThat(merged)
        .containsExactly(
            new LabelRows.Label("R1,R2", 101.5, 50, LabelRows.Align.CENTER),
            new LabelRows.Label("R3", 150, 20, LabelRows.Align.CENTER));
  }

  @Test
  void rollbacksAreTaggedByTheirPlaceInTheHistory() {
    TrainingRunStatus status = new TrainingRunStatus();
    for (Long episode : new Long[] {1850L, null, 2400L}) {
      HistoryEntry h = new HistoryEntry();
      h.type = HistoryType.ROLLBACK;
      h.episode = episode;
      status.history.add(h);
    }
    assertThat(ReportWriter.markers(status).stream().map(m -> m.tag() + "@" + m.episode()))
        .containsExactly("R1@1850", "R3@2400");
  }

  @Test
  void theValueAxisLeavesTheLabelRowsFreeOfData() {
    // Intercept's range on a 450-pixel plot whose labels take 40 pixels.
    Range axis = ReportCharts.headroom(new Range(-1350, 1310), 450, 40, false);
    double maxFromTop = (axis.getUpperBound() - 1310) / axis.getLength() * 450;
    assertThat(maxFromTop).isGreaterThanOrEqualTo(40);
    assertThat(axis.getLowerBound()).isLessThan(-1350);
    assertThat(ReportCharts.headroom(new Range(0, 1), 450, 0, true).getLowerBound()).isZero();
  }

  @Test
  void theEvenRoutingLineHasRoomAboveItAndExpertsHaveDistinctColours() {
    assertThat(ReportCharts.entropyAxis(4).getUpperBound()).isGreaterThan(Math.log(4) * 1.1);
    Set<Color> colours = new HashSet<>();
    for (int k = 0; k < 8; k++) {
      colours.add(ReportCharts.expertColor(k));
    }
    assertThat(colours).hasSize(8).doesNotContain(ReportCharts.ROLLBACK);
  }

  @Test
  void episodesBeyondWhatAChartCanShowAreThinnedAndCrowdedDotsAreFainter() {
    assertThat(ReportStats.stride(8000, ReportCharts.MAX_DOTS)).isEqualTo(1);
    assertThat(ReportStats.stride(100_000, ReportCharts.MAX_DOTS)).isEqualTo(5);
    assertThat(ReportCharts.dotAlpha(8000)).isLessThan(ReportCharts.dotAlpha(781));
  }

  private static List<Double> roundWidths() {
    List<Double> widths = new ArrayList<>();
    for (int e = -3; e <= 4; e++) {
      for (double m : new double[] {1, 2, 2.5, 5}) {
        widths.add(new java.math.BigDecimal(m).scaleByPowerOfTen(e).doubleValue());
      }
    }
    return widths;
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

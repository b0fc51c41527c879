package dev.ratchet.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ratchet report --every N}: a row per N episodes, its figures those of its records. */
class SegmentTableTest {

  @TempDir Path out;

  private static EpisodeRecord episode(
      long episode, int attempt, String phase, double score, Double entropy, Boolean success) {
    return new EpisodeRecord(
        episode,
        score,
        score / 100,
        100,
        phase,
        attempt,
        episode * 100,
        "t",
        entropy,
        null,
        null,
        null,
        success);
  }

  /** 250 routed episodes in two phases, attempt 2 replaying 121–250 after a rollback. */
  private static List<EpisodeRecord> routedRun() {
    Random rng = new Random(3);
    List<EpisodeRecord> episodes = new ArrayList<>();
    for (int attempt = 1; attempt <= 2; attempt++) {
      for (long e = attempt == 1 ? 1 : 121; e <= (attempt == 1 ? 180 : 250); e++) {
        double score = Math.round(e * 0.8 + rng.nextGaussian() * 20);
        episodes.add(
            episode(
                e,
                attempt,
                e <= 150 ? "warmup" : "fine-tune",
                attempt == 1 && e > 120 ? -50 : score,
                1.3 - e * 0.003 + rng.nextDouble() * 0.1,
                score > 150));
      }
    }
    return episodes;
  }

  @Test
  void everyHundredEpisodesGetsARowWithTheFiguresOfItsSurvivingEpisodes() throws Exception {
    List<EpisodeRecord> episodes = routedRun();
    TrainingRunStatus status = new TrainingRunStatus();
    status.state = RunState.SUCCEEDED;

    Path md = ReportWriter.write(new ReportInput("local", "moe", status, episodes, 20), out, 100);

    List<EpisodeRecord> kept = Lineage.of(episodes).kept();
    List<String> rows = ReportTables.rows(md, "Every 100 episodes");
    assertThat(rows).hasSize(3);
    long[][] stretches = {{1, 100}, {101, 200}, {201, 250}};
    for (int i = 0; i < stretches.length; i++) {
      long from = stretches[i][0];
      long to = stretches[i][1];
      List<EpisodeRecord> in =
          kept.stream().filter(r -> r.episode() >= from && r.episode() <= to).toList();
      // the replayed attempt-1 episodes (scored -50) are not among them
      assertThat(in).allSatisfy(r -> assertThat(r.score()).isNotEqualTo(-50));
      double[] scores = in.stream().mapToDouble(EpisodeRecord::score).toArray();
      double[] entropies = in.stream().mapToDouble(EpisodeRecord::alphaEntropy).toArray();
      double success = in.stream().filter(EpisodeRecord::success).count() / (double) in.size();
      String phases = String.join(", ", in.stream().map(EpisodeRecord::phase).distinct().toList());
      assertThat(rows.get(i))
          .isEqualTo(
              "| "
                  + from
                  + "–"
                  + to
                  + " | "
                  + phases
                  + " | "
                  + MarkdownReport.num(mean(scores))
                  + " ± "
                  + MarkdownReport.num(std(scores))
                  + " | "
                  + MarkdownReport.num(java.util.Arrays.stream(scores).max().orElseThrow())
                  + " | "
                  + MarkdownReport.num(100 * success)
                  + " % | "
                  + MarkdownReport.num(mean(entropies))
                  + " ± "
                  + MarkdownReport.num(std(entropies))
                  + " |");
    }
    assertThat(Files.readString(md))
        .contains(
            "| episodes | phase | score mean ± std | max score | success |"
                + " alpha entropy mean ± std |");
  }

  @Test
  void withoutARouterTheTableHasNoAlphaEntropyColumnAndWithoutEveryNoTable() throws Exception {
    List<EpisodeRecord> episodes = new ArrayList<>();
    for (long e = 1; e <= 30; e++) {
      episodes.add(episode(e, 1, "train", e, null, null));
    }
    Path md =
        ReportWriter.write(
            new ReportInput("local", "mlp", null, episodes, 10), out.resolve("every"), 7);
    assertThat(ReportTables.rows(md, "Every 7 episodes"))
        .first()
        .isEqualTo("| 1–7 | train | 4 ± 2 | 7 | – |");
    assertThat(ReportTables.rows(md, "Every 7 episodes")).last().asString().startsWith("| 29–30 |");
    assertThat(Files.readString(md))
        .contains(
            "| episodes | phase | score mean ± std | max score | success |\n|---|---|---|---|---|\n");

    Path plain =
        ReportWriter.write(new ReportInput("local", "mlp", null, episodes, 10), out.resolve("no"));
    assertThat(Files.readString(plain)).doesNotContain("## Every");
  }

  @Test
  void aSegmentOfNoEpisodesIsRefused() {
    assertThatThrownBy(
            () ->
                ReportWriter.write(
                    new ReportInput("local", "x", null, List.of(), 10), out.resolve("zero"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 episode or more");
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  /** Population standard deviation, as the phase table's. */
  private static double std(double[] v) {
    double m = mean(v);
    double sum = 0;
    for (double x : v) {
      sum += (x - m) * (x - m);
    }
    return Math.sqrt(sum / v.length);
  }
}

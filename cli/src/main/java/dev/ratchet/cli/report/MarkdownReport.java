package dev.ratchet.cli.report;

import dev.ratchet.api.NumberText;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.report.ReportStats.Bins;
import dev.ratchet.cli.report.ReportStats.Halves;
import dev.ratchet.cli.report.ReportStats.MeanStd;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import dev.ratchet.cli.report.ReportStats.Window;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** The text of {@code report.md}: the figures as tables, the charts as images. */
final class MarkdownReport {

  private final StringBuilder b = new StringBuilder();

  private MarkdownReport() {}

  /** The whole report; {@code charts} names the PNGs written next to it (null when skipped). */
  static String render(
      ReportInput input,
      Lineage lineage,
      List<PhaseStats> phases,
      ReportWriter.Charts charts,
      Window window,
      Bins bins) {
    MarkdownReport m = new MarkdownReport();
    m.header(input, lineage);
    if (lineage.kept().isEmpty()) {
      m.b.append("\nNo episode has finished yet: there is nothing to chart.\n");
      return m.b.toString();
    }
    m.charts(charts, window);
    m.phases(phases);
    m.evaluation(input, lineage, charts);
    m.distribution(phases, bins);
    m.top(ReportStats.top(lineage.kept(), 10));
    m.halves(lineage.kept());
    m.rollbacks(input.status());
    return m.b.toString();
  }

  private void header(ReportInput input, Lineage lineage) {
    b.append("# Training report: ").append(input.namespace()).append('/').append(input.run());
    b.append("\n\n");
    TrainingRunStatus s = input.status();
    if (s != null && s.state != null) {
      b.append("- State: **").append(s.state.label()).append("**");
      if (s.episode != null) {
        b.append(" at episode ").append(s.episode);
      }
      if (s.phase != null) {
        b.append(", phase ").append(s.phase);
      }
      b.append('\n');
      if (s.message != null) {
        b.append("- Message: ").append(s.message).append('\n');
      }
      if (s.bestCheckpoint != null && s.bestCheckpoint.id != null) {
        b.append("- Best checkpoint: `")
            .append(s.bestCheckpoint.id)
            .append("` (episode ")
            .append(s.bestCheckpoint.episode)
            .append(", score mean ")
            .append(num(s.bestCheckpoint.scoreMean))
            .append(") at `")
            .append(s.bestCheckpoint.uri)
            .append("`\n");
      }
      if (s.initializedFrom != null) {
        b.append("- Warm start: from the parameters of `")
            .append(s.initializedFrom)
            .append("` (spec.initFrom)\n");
      }
      b.append("- Rollbacks: ")
          .append(s.rollbacks == null ? 0 : s.rollbacks)
          .append(", restarts: ")
          .append(s.restarts == null ? 0 : s.restarts)
          .append('\n');
    } else {
      b.append("- State: no status recorded\n");
    }
    long attempts = input.episodes().stream().mapToInt(EpisodeRecord::attempt).distinct().count();
    b.append("- Episodes: ")
        .append(input.episodes().size())
        .append(" recorded over ")
        .append(attempts)
        .append(attempts == 1 ? " attempt" : " attempts")
        .append('\n');
    if (!lineage.replayed().isEmpty()) {
      b.append("\n")
          .append(lineage.replayed().size())
          .append(
              " episodes were played again after a rollback or a restart resumed from an earlier"
                  + " checkpoint. The figures below use the surviving lineage — the ")
          .append(lineage.kept().size())
          .append(
              " episodes the final model learned from; the superseded ones appear only as grey"
                  + " dots in the score chart.\n");
    }
  }

  private void charts(ReportWriter.Charts charts, Window window) {
    b.append("\n## Score\n\n");
    b.append("Each dot is one episode's score; the dark line is their trailing mean over the last ")
        .append(window.sentence())
        .append(
            " (over fewer episodes at the start of the run). Shaded bands are phases; dashed red"
                + " lines tagged R1, R2… are rollbacks, at the episode where they were decided,"
                + " numbered as in the Rollbacks table below; the legend says where each one"
                + " went.\n\n");
    b.append("![score](").append(charts.score()).append(")\n");
    b.append("\n## Router alpha entropy\n\n");
    if (charts.alphaEntropy() == null) {
      b.append(
          "No alpha entropy in the records: the policy has no mixture-of-experts router, so"
              + " there are no alpha entropy and expert usage charts.\n");
    } else {
      b.append(
          "Mean entropy of the routing weights α: ln E (the dotted grey line) when every sample"
              + " uses all E experts evenly, 0 when each sample uses a single expert.\n\n");
      b.append("![alpha entropy](").append(charts.alphaEntropy()).append(")\n");
      if (charts.expertUsage() != null) {
        b.append("\n## Expert usage\n\n");
        b.append(
                "Share of the samples routed to each expert, stacked (the shares sum to 1), each"
                    + " a trailing mean over the last ")
            .append(window.sentence())
            .append(".\n\n");
        b.append("![expert usage](").append(charts.expertUsage()).append(")\n");
      }
    }
  }

  /**
   * Each evaluation, from the records (so those of checkpoints retention deleted are there too):
   * the training window's score when the checkpoint was written beside its evaluation, the best
   * marked; and what evaluating cost against the run's wall time.
   */
  private void evaluation(ReportInput input, Lineage lineage, ReportWriter.Charts charts) {
    List<EvaluationPoints.Point> points =
        EvaluationPoints.of(input.episodes(), lineage, input.checkpoints());
    if (points.isEmpty()) {
      return;
    }
    EvaluationResult stored = EvaluationPoints.anyStored(points).orElse(null);
    b.append("\n## Evaluation\n\n");
    b.append("When it was written, each evaluated checkpoint's policy played ")
        .append(points.get(0).episodes())
        .append(
            stored == null
                ? " episodes"
                : (stored.deterministic() ? " greedy" : " sampled")
                    + " episodes (seed "
                    + stored.seed()
                    + ")")
        .append(
            " on environments of their own: what the policy does without exploration, which the"
                + " training window's score blurs. `ratchet evaluate` plays them again, or others,"
                + " with any stored checkpoint.\n");
    if (charts != null && charts.evaluation() != null) {
      b.append("\n![training vs evaluation](").append(charts.evaluation()).append(")\n");
    }
    String best =
        input.status() == null || input.status().bestCheckpoint == null
            ? null
            : input.status().bestCheckpoint.id;
    b.append(
        "\n| checkpoint | kind | training score (window) | evaluation score mean ± std |"
            + " training success (window) | evaluation success |\n");
    b.append("|---|---|---|---|---|---|\n");
    double seconds = 0;
    int timed = 0;
    for (EvaluationPoints.Point p : points) {
      CheckpointManifest m = p.manifest();
      if (m != null && m.evaluation() != null) {
        seconds += m.evaluation().seconds();
        timed++;
      }
      b.append("| `")
          .append(p.id())
          .append('`')
          .append(p.id().equals(best) ? " **best**" : "")
          .append(p.onLineage() ? "" : " (rolled back)")
          .append(" | ")
          .append(m == null ? "deleted by retention" : m.kind().toString())
          .append(" | ")
          .append(num(p.trainingScore()))
          .append(" | ")
          .append(num(p.scoreMean()))
          .append(" ± ")
          .append(num(p.scoreStd()))
          .append(" | ")
          .append(p.trainingSuccess() == null ? "–" : num(100 * p.trainingSuccess()) + " %")
          .append(" | ")
          .append(p.successRate() == null ? "–" : num(100 * p.successRate()) + " %")
          .append(" |\n");
    }
    if (timed > 0) {
      double each = seconds / timed;
      b.append("\nAn evaluation took ")
          .append(num(each))
          .append(" s on average (over the ")
          .append(timed)
          .append(" still stored); ")
          .append(points.size())
          .append(points.size() == 1 ? " evaluation" : " evaluations");
      Double wall = wallSeconds(input.episodes());
      if (wall != null && wall > 0) {
        b.append(", about ")
            .append(num(100 * each * points.size() / wall))
            .append(" % of the ")
            .append(num(wall))
            .append(" s between the first and the last recorded episode");
      }
      b.append(".\n");
    }
  }

  /** Seconds from the first record's time to the last's, or null when they carry none. */
  private static Double wallSeconds(List<EpisodeRecord> episodes) {
    try {
      java.time.Instant from = null;
      java.time.Instant to = null;
      for (EpisodeRecord r : episodes) {
        if (r.time() == null) {
          continue;
        }
        java.time.Instant t = java.time.Instant.parse(r.time());
        from = from == null || t.isBefore(from) ? t : from;
        to = to == null || t.isAfter(to) ? t : to;
      }
      return from == null ? null : java.time.Duration.between(from, to).toMillis() / 1000.0;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private void phases(List<PhaseStats> phases) {
    b.append("\n## Phases\n\n");
    b.append(
        "| phase | episodes | score mean ± std | reward mean ± std | alpha entropy mean ± std |"
            + " max score | success |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (PhaseStats p : phases) {
      b.append("| ")
          .append(p.phase())
          .append(" | ")
          .append(p.episodes())
          .append(" (")
          .append(p.first())
          .append("–")
          .append(p.last())
          .append(") | ")
          .append(meanStd(p.score()))
          .append(" | ")
          .append(meanStd(p.reward()))
          .append(" | ")
          .append(p.alphaEntropy() == null ? "–" : meanStd(p.alphaEntropy()))
          .append(" | ")
          .append(num(p.maxScore()))
          .append(" | ")
          .append(p.successRate() == null ? "–" : NumberText.of(100 * p.successRate()) + " %")
          .append(" |\n");
    }
  }

  private void distribution(List<PhaseStats> phases, Bins bins) {
    b.append("\n## Score distribution per phase\n\n");
    b.append("Episodes per score bin: ")
        .append(bins.count())
        .append(bins.count() == 1 ? " bin" : " bins")
        .append(" of ")
        .append(plain(bins.width()))
        .append(" spanning the scores from ")
        .append(plain(bins.lower(0)))
        .append(" to ")
        .append(plain(bins.upper(bins.count() - 1)))
        .append(
            ", each including its lower bound, the last one its upper bound too; a run of bins"
                + " that no episode fell in is one row.\n\n");
    b.append("| score |");
    phases.forEach(p -> b.append(' ').append(p.phase()).append(" |"));
    b.append("\n|---|").append("---|".repeat(phases.size())).append('\n');
    int bin = 0;
    while (bin < bins.count()) {
      int to = bin;
      while (empty(phases, to) && to + 1 < bins.count() && empty(phases, to + 1)) {
        to++;
      }
      b.append("| ").append(bins.label(bin, to)).append(" |");
      for (PhaseStats p : phases) {
        b.append(' ').append(p.counts()[bin]).append(" |");
      }
      b.append('\n');
      bin = to + 1;
    }
    b.append("\n![score distribution](").append(ReportWriter.DISTRIBUTION_PNG).append(")\n");
  }

  private static boolean empty(List<PhaseStats> phases, int bin) {
    return phases.stream().allMatch(p -> p.counts()[bin] == 0);
  }

  private void top(List<EpisodeRecord> top) {
    b.append("\n## Top ").append(top.size()).append(" episodes\n\n");
    b.append("| rank | episode | score | reward | length | phase | attempt |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < top.size(); i++) {
      EpisodeRecord e = top.get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %s | %s | %d | %s | %d |%n",
              i + 1,
              e.episode(),
              num(e.score()),
              num(e.reward()),
              e.length(),
              e.phase(),
              e.attempt()));
    }
  }

  private void halves(List<EpisodeRecord> kept) {
    if (kept.size() < 2) {
      return;
    }
    Halves h = ReportStats.halves(kept);
    int mid = kept.size() / 2;
    b.append("\n## First half vs second half\n\n");
    b.append("| half | episodes | mean score |\n|---|---|---|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| first | %d–%d | %s |%n| second | %d–%d | %s |%n",
            kept.get(0).episode(),
            kept.get(mid - 1).episode(),
            num(h.firstHalf()),
            kept.get(mid).episode(),
            kept.get(kept.size() - 1).episode(),
            num(h.secondHalf())));
    String relative =
        h.firstHalf() == 0
            ? ""
            : String.format(Locale.ROOT, " (%+.1f%%)", 100 * h.change() / Math.abs(h.firstHalf()));
    b.append("\nChange: ")
        .append(h.change() >= 0 ? "+" : "")
        .append(num(h.change()))
        .append(relative)
        .append('\n');
  }

  private void rollbacks(TrainingRunStatus s) {
    b.append("\n## Rollbacks\n\n");
    List<HistoryEntry> rollbacks = ReportWriter.rollbacks(s);
    if (rollbacks.isEmpty()) {
      b.append("None.\n");
      return;
    }
    b.append("| tag | time | episode | kind | to | reason |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < rollbacks.size(); i++) {
      HistoryEntry h = rollbacks.get(i);
      b.append("| ")
          .append(ReportWriter.tag(i))
          .append(" | ")
          .append(h.time == null ? "" : h.time)
          .append(" | ")
          .append(h.episode == null ? "" : h.episode)
          .append(" | ")
          .append(h.type == HistoryType.MANUAL_ROLLBACK ? "manual" : "automatic")
          .append(" | ")
          .append(h.to == null ? "" : "`" + h.to + "`")
          .append(" | ")
          .append(h.reason == null ? "" : h.reason.replace("|", "\\|"))
          .append(" |\n");
    }
  }

  private static String meanStd(MeanStd m) {
    return num(m.mean()) + " ± " + num(m.std());
  }

  /** A number as its shortest exact decimal: 2.5, 50, -1500. */
  static String plain(double v) {
    BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  /** As status and messages print it (NumberText), so the report never seems to disagree. */
  static String num(Double v) {
    return v == null || v.isNaN() ? "–" : NumberText.of(v);
  }
}

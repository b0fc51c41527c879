package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.report.ReportStats.Halves;
import dev.ratchet.cli.report.ReportStats.MeanStd;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import java.util.List;
import java.util.Locale;

/** The text of {@code report.md}: the figures as tables, the charts as images. */
final class MarkdownReport {

  private final StringBuilder b = new StringBuilder();

  private MarkdownReport() {}

  /** The whole report; {@code charts} names the PNGs written next to it (null when skipped). */
  static String render(
      ReportInput input, Lineage lineage, List<PhaseStats> phases, ReportWriter.Charts charts) {
    MarkdownReport m = new MarkdownReport();
    m.header(input, lineage);
    if (lineage.kept().isEmpty()) {
      m.b.append("\nNo episode has finished yet: there is nothing to chart.\n");
      return m.b.toString();
    }
    m.charts(charts, lineage);
    m.phases(phases);
    m.distribution(phases);
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

  private void charts(ReportWriter.Charts charts, Lineage lineage) {
    b.append("\n## Score\n\n");
    b.append("Per-episode score and its trailing mean over ")
        .append(ReportStats.window(lineage.kept().size()))
        .append(
            " episodes; shaded bands are phases, dashed red lines are rollbacks (at the episode"
                + " where they were decided, labelled with the checkpoint returned to).\n\n");
    b.append("![score](").append(charts.score()).append(")\n");
    b.append("\n## Router alpha entropy\n\n");
    if (charts.alphaEntropy() == null) {
      b.append(
          "No alpha entropy in the records: the policy has no mixture-of-experts router, so"
              + " there are no alpha entropy and expert usage charts.\n");
    } else {
      b.append(
          "Mean entropy of the routing weights α: ln E when every sample uses all E experts"
              + " evenly, 0 when each sample uses a single expert.\n\n");
      b.append("![alpha entropy](").append(charts.alphaEntropy()).append(")\n");
      long routed = lineage.kept().stream().filter(e -> e.expertUsage() != null).count();
      b.append("\n## Expert usage\n\n");
      b.append("Share of the samples routed to each expert, trailing mean over ")
          .append(ReportStats.usageWindow((int) routed))
          .append(" episodes.\n\n");
      b.append("![expert usage](").append(charts.expertUsage()).append(")\n");
    }
  }

  private void phases(List<PhaseStats> phases) {
    b.append("\n## Phases\n\n");
    b.append(
        "| phase | episodes | score mean ± std | reward mean ± std | alpha entropy mean ± std |"
            + " max score |\n");
    b.append("|---|---|---|---|---|---|\n");
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
          .append(" |\n");
    }
  }

  private void distribution(List<PhaseStats> phases) {
    b.append("\n## Score distribution per phase\n\n");
    b.append("Episodes per score bucket (negative scores, as intercept has, count in <0).\n\n");
    b.append("| phase | ").append(String.join(" | ", ReportStats.BUCKET_LABELS)).append(" |\n");
    b.append("|---").append("|---".repeat(ReportStats.BUCKET_LABELS.size())).append("|\n");
    for (PhaseStats p : phases) {
      b.append("| ").append(p.phase());
      for (int count : p.buckets()) {
        b.append(" | ").append(count);
      }
      b.append(" |\n");
    }
    b.append("\n![score distribution](").append(ReportWriter.DISTRIBUTION_PNG).append(")\n");
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
    b.append("| time | episode | kind | to | reason |\n|---|---|---|---|---|\n");
    for (HistoryEntry h : rollbacks) {
      b.append("| ")
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

  static String num(Double v) {
    return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }
}

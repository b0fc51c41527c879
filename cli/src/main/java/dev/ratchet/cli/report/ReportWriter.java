package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.report.ReportStats.Bins;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import dev.ratchet.cli.report.ReportStats.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a run's report: {@code report.md} and its PNG charts, in one folder. */
public final class ReportWriter {

  static final String SCORE_PNG = "score.png";
  static final String ALPHA_ENTROPY_PNG = "alpha-entropy.png";
  static final String EXPERT_USAGE_PNG = "expert-usage.png";
  static final String DISTRIBUTION_PNG = "score-distribution.png";
  static final String EVALUATION_PNG = "evaluation.png";

  /**
   * The charts written, by file name; the router charts are null for a policy without a router.
   *
   * @param score score chart
   * @param alphaEntropy alpha entropy chart, or null
   * @param expertUsage expert usage chart, or null
   * @param distribution score distribution chart
   * @param evaluation training vs evaluation chart, or null when no checkpoint was evaluated
   */
  record Charts(
      String score,
      String alphaEntropy,
      String expertUsage,
      String distribution,
      String evaluation) {}

  private ReportWriter() {}

  /**
   * Writes DIR/report.md and the PNG charts into outDir (created if missing); returns report.md.
   */
  public static Path write(ReportInput input, Path outDir) throws IOException {
    // Charts are drawn off-screen: no display in a pod, in CI or over ssh.
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(outDir);
    Lineage lineage = Lineage.of(input.episodes());
    Window window = ReportStats.window(input.window(), lineage.kept().size());
    Bins bins =
        ReportStats.bins(lineage.kept().stream().mapToDouble(EpisodeRecord::score).toArray());
    List<PhaseStats> phases = ReportStats.phases(lineage.kept(), bins);
    Charts charts = null;
    if (!lineage.kept().isEmpty()) {
      ReportCharts draw = new ReportCharts(phases, markers(input.status()), window, bins);
      draw.score(lineage, outDir.resolve(SCORE_PNG));
      draw.scoreDistribution(outDir.resolve(DISTRIBUTION_PNG));
      boolean routed = lineage.kept().stream().anyMatch(e -> e.alphaEntropy() != null);
      boolean usage = lineage.kept().stream().anyMatch(e -> e.expertUsage() != null);
      if (routed) {
        int experts =
            lineage.kept().stream()
                .filter(e -> e.expertUsage() != null)
                .mapToInt(e -> e.expertUsage().size())
                .max()
                .orElse(0);
        draw.alphaEntropy(lineage, experts, outDir.resolve(ALPHA_ENTROPY_PNG));
        if (usage) {
          draw.expertUsage(lineage, outDir.resolve(EXPERT_USAGE_PNG));
        }
      }
      List<EvaluationPoints.Point> evaluated =
          EvaluationPoints.of(input.episodes(), lineage, input.checkpoints()).stream()
              .filter(EvaluationPoints.Point::onLineage)
              .toList();
      if (!evaluated.isEmpty()) {
        draw.evaluation(lineage, evaluated, outDir.resolve(EVALUATION_PNG));
      }
      charts =
          new Charts(
              SCORE_PNG,
              routed ? ALPHA_ENTROPY_PNG : null,
              routed && usage ? EXPERT_USAGE_PNG : null,
              DISTRIBUTION_PNG,
              evaluated.isEmpty() ? null : EVALUATION_PNG);
    }
    Path report = outDir.resolve("report.md");
    Files.writeString(report, MarkdownReport.render(input, lineage, phases, charts, window, bins));
    return report;
  }

  /** Automatic and manual rollbacks in the status history, oldest first. */
  static List<HistoryEntry> rollbacks(TrainingRunStatus status) {
    List<HistoryEntry> out = new ArrayList<>();
    if (status != null && status.history != null) {
      for (HistoryEntry h : status.history) {
        if (h.type == HistoryType.ROLLBACK || h.type == HistoryType.MANUAL_ROLLBACK) {
          out.add(h);
        }
      }
    }
    return out;
  }

  /**
   * The rollbacks that name an episode, as chart markers tagged R1, R2… by their place among all
   * rollbacks, the numbering of the report's rollback table.
   */
  static List<ReportCharts.Marker> markers(TrainingRunStatus status) {
    List<HistoryEntry> all = rollbacks(status);
    List<ReportCharts.Marker> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      HistoryEntry h = all.get(i);
      if (h.episode != null) {
        out.add(new ReportCharts.Marker(h.episode, tag(i), markerLabel(h)));
      }
    }
    return out;
  }

  /** "R1" for the first rollback in the history. */
  static String tag(int index) {
    return "R" + (index + 1);
  }

  /**
   * "rollback → ep 1500 a1: scoreMean fell to 10": where to and, for automatic ones, why; the full
   * reason is in the markdown's table, a chart only has room for its first clause.
   */
  static String markerLabel(HistoryEntry h) {
    String label =
        (h.type == HistoryType.MANUAL_ROLLBACK ? "manual rollback" : "rollback")
            + (h.to == null ? "" : " → " + shortId(h.to));
    String why = h.type == HistoryType.MANUAL_ROLLBACK ? "" : shortReason(h.reason);
    return why.isEmpty() ? label : label + ": " + why;
  }

  /** The first clause of a reason, e.g. "scoreMean fell to 10" out of the supervisor's sentence. */
  static String shortReason(String reason) {
    if (reason == null) {
      return "";
    }
    String s = reason.strip();
    for (String stop : List.of("; ", ", ", " (", " at episode ")) {
      int i = s.indexOf(stop);
      if (i > 0) {
        s = s.substring(0, i);
      }
    }
    return s.length() <= 40 ? s : s.substring(0, 39).strip() + "…";
  }

  /** ep-000001200-a0002 reads as ep 1200 a2 on a chart. */
  private static String shortId(String id) {
    return id.matches("ep-\\d{9}-a\\d{4}")
        ? "ep " + Long.parseLong(id.substring(3, 12)) + " a" + Integer.parseInt(id.substring(14))
        : id;
  }
}

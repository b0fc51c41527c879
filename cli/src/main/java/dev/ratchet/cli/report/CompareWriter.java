package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import dev.ratchet.cli.report.ReportStats.SegmentStats;
import dev.ratchet.cli.report.ReportWriter.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes one report of several runs side by side — {@code report.md}, a score chart and, when a run
 * has a router, an alpha entropy chart — from each run's own figures ({@link Figures}), so that a
 * run reads the same here as in its own report.
 */
public final class CompareWriter {

  static final String SCORE_PNG = "score.png";
  static final String ALPHA_ENTROPY_PNG = "alpha-entropy.png";

  /**
   * One run of the comparison, with what its own report computes.
   *
   * @param name how the tables and the legend name it: its name, or namespace/name when the runs
   *     come from several namespaces
   * @param input what its report is made of
   * @param figures its lineage, window, bins and phases
   * @param markers its rollbacks that name an episode
   * @param evaluations its evaluations of checkpoints on the lineage, in episode order
   */
  record Run(
      String name,
      ReportInput input,
      Figures figures,
      List<ReportCharts.Marker> markers,
      List<EvaluationPoints.Point> evaluations) {

    static Run of(String name, ReportInput input) {
      Figures figures = Figures.of(input);
      return new Run(
          name,
          input,
          figures,
          ReportWriter.markers(input.status()),
          EvaluationPoints.of(input.episodes(), figures.lineage(), input.checkpoints()).stream()
              .filter(EvaluationPoints.Point::onLineage)
              .toList());
    }
  }

  private final StringBuilder b = new StringBuilder();

  private CompareWriter() {}

  /**
   * Writes DIR/report.md and the charts of {@code inputs} into outDir (created if missing), with a
   * segment table of {@code every} episodes unless null; returns report.md.
   */
  public static Path write(List<ReportInput> inputs, Path outDir, Integer every)
      throws IOException {
    return write(inputs, List.of(), outDir, every);
  }

  /**
   * The same, with a table of the settings the runs differ in, from each run's {@link SpecSettings}
   * in the order of {@code inputs} (no table when empty).
   */
  public static Path write(
      List<ReportInput> inputs, List<Map<String, String>> settings, Path outDir, Integer every)
      throws IOException {
    if (!settings.isEmpty() && settings.size() != inputs.size()) {
      throw new IllegalArgumentException(
          "settings for " + settings.size() + " runs, but " + inputs.size() + " runs");
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a comparison needs one run or more");
    }
    if (every != null && every < 1) {
      throw new IllegalArgumentException(
          "the segment length must be 1 episode or more, not " + every);
    }
    // Charts are drawn off-screen: no display in a pod, in CI or over ssh.
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(outDir);
    boolean oneNamespace = inputs.stream().map(ReportInput::namespace).distinct().count() == 1;
    List<Run> runs = new ArrayList<>();
    for (ReportInput in : inputs) {
      runs.add(Run.of(oneNamespace ? in.run() : in.namespace() + "/" + in.run(), in));
    }
    List<Run> played = runs.stream().filter(r -> !r.figures().lineage().kept().isEmpty()).toList();
    boolean routed =
        played.stream()
            .anyMatch(
                r -> r.figures().lineage().kept().stream().anyMatch(e -> e.alphaEntropy() != null));
    if (!played.isEmpty()) {
      CompareCharts.score(runs, outDir.resolve(SCORE_PNG));
      if (routed) {
        CompareCharts.alphaEntropy(runs, outDir.resolve(ALPHA_ENTROPY_PNG));
      }
    }
    CompareWriter w = new CompareWriter();
    w.header(runs);
    if (!settings.isEmpty()) {
      w.differences(runs, settings);
    }
    if (!played.isEmpty()) {
      w.charts(routed);
      w.phases(runs);
      if (every != null) {
        w.segments(runs, every);
      }
    }
    w.best(runs);
    w.evaluations(runs);
    w.rollbacks(runs);
    Path report = outDir.resolve("report.md");
    Files.writeString(report, w.b.toString());
    return report;
  }

  private void header(List<Run> runs) {
    b.append("# Comparison: ")
        .append(String.join(", ", runs.stream().map(r -> r.input().run()).toList()))
        .append("\n\n");
    b.append(
        "Each run's figures are those of its own report (`ratchet report RUN`): the surviving"
            + " lineage, without the episodes a rollback or a restart played again.\n\n");
    b.append(
        "| run | namespace | state | episodes (kept of recorded) | phases | moving-mean window |"
            + " wall time |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      TrainingRunStatus s = r.input().status();
      List<EpisodeRecord> kept = r.figures().lineage().kept();
      b.append("| ")
          .append(r.name())
          .append(" | ")
          .append(r.input().namespace())
          .append(" | ")
          .append(s == null || s.state == null ? "no status" : s.state.label())
          .append(" | ")
          .append(kept.size())
          .append(" of ")
          .append(r.input().episodes().size())
          .append(
              kept.isEmpty()
                  ? ""
                  : " (" + kept.get(0).episode() + "–" + kept.get(kept.size() - 1).episode() + ")")
          .append(" | ")
          .append(String.join(" → ", r.figures().phases().stream().map(PhaseStats::phase).toList()))
          .append(" | ")
          .append(r.figures().window().episodes())
          .append(r.figures().window().configured() ? "" : " (chosen)")
          .append(" | ")
          .append(duration(ReportStats.wallSeconds(r.input().episodes())))
          .append(" |\n");
    }
    b.append("\nWall time runs from the first record's time to the last's, across attempts.\n");
    for (Run r : runs) {
      TrainingRunStatus s = r.input().status();
      if (s != null && s.initializedFrom != null) {
        b.append("\n")
            .append(r.name())
            .append(" was warm-started from the parameters of `")
            .append(s.initializedFrom)
            .append("` (spec.initFrom).\n");
      }
    }
  }

  /** The settings whose values are not the same in every run, in the spec's order. */
  private void differences(List<Run> runs, List<Map<String, String>> settings) {
    Set<String> keys = new LinkedHashSet<>();
    settings.forEach(m -> keys.addAll(m.keySet()));
    List<String> differing =
        keys.stream()
            .filter(k -> !k.startsWith("rollback"))
            .filter(k -> settings.stream().map(m -> m.get(k)).distinct().count() > 1)
            .toList();
    b.append("\n## What differs\n\n");
    if (differing.isEmpty()) {
      b.append("The runs' specs are the same.\n");
      return;
    }
    b.append("The settings of the runs' specs that are not the same in all of them (– where a")
        .append(" run's spec leaves it out); phases are named by their `name`.\n\n");
    b.append("| setting |");
    runs.forEach(r -> b.append(' ').append(r.name()).append(" |"));
    b.append("\n|---|").append("---|".repeat(runs.size())).append('\n');
    for (String k : differing) {
      b.append("| `").append(k).append("` |");
      for (Map<String, String> m : settings) {
        String v = m.get(k);
        b.append(' ').append(v == null ? "–" : v.replace("|", "\\|")).append(" |");
      }
      b.append('\n');
    }
  }

  private void charts(boolean routed) {
    b.append("\n## Score\n\n");
    b.append(
        "Each line is a run's trailing mean score over its own `spec.divergence.window`, the"
            + " window it was judged by; diamonds mark where its phases begin, crosses its"
            + " rollbacks, dots with bars its checkpoints' evaluations (mean ± std).\n\n");
    b.append("![score](").append(SCORE_PNG).append(")\n");
    b.append("\n## Router alpha entropy\n\n");
    if (routed) {
      b.append(
          "Each routed run's alpha entropy as a trailing mean over its window; the dotted grey"
              + " line is ln E, the entropy of even routing over E experts.\n\n");
      b.append("![alpha entropy](").append(ALPHA_ENTROPY_PNG).append(")\n");
    } else {
      b.append("No run's records carry an alpha entropy: no policy here has a router.\n");
    }
  }

  private void phases(List<Run> runs) {
    b.append("\n## Phases\n\n");
    b.append(MarkdownReport.phaseHeader("run | "));
    for (Run r : runs) {
      for (PhaseStats p : r.figures().phases()) {
        b.append("| ")
            .append(r.name())
            .append(" | ")
            .append(MarkdownReport.phaseCells(p))
            .append(" |\n");
      }
    }
  }

  /** The segments side by side: for each stretch of episodes, every run that played it. */
  private void segments(List<Run> runs, int every) {
    b.append("\n## Every ").append(every).append(every == 1 ? " episode" : " episodes");
    b.append("\n\n");
    b.append(
        "Each run's lineage cut by episode number into stretches of "
            + every
            + ", the same stretches for every run, one row per run and stretch.\n\n");
    boolean routed =
        runs.stream()
            .anyMatch(
                r -> r.figures().lineage().kept().stream().anyMatch(e -> e.alphaEntropy() != null));
    List<List<SegmentStats>> perRun = new ArrayList<>();
    Set<Long> stretches = new TreeSet<>();
    for (Run r : runs) {
      List<SegmentStats> segments = ReportStats.segments(r.figures().lineage().kept(), every);
      perRun.add(segments);
      segments.forEach(s -> stretches.add((s.first() - 1) / every));
    }
    b.append(MarkdownReport.segmentHeader("run | ", routed));
    for (long k : stretches) {
      for (int i = 0; i < runs.size(); i++) {
        for (SegmentStats s : perRun.get(i)) {
          if ((s.first() - 1) / every == k) {
            b.append("| ")
                .append(runs.get(i).name())
                .append(" | ")
                .append(MarkdownReport.segmentCells(s, routed))
                .append(" |\n");
          }
        }
      }
    }
  }

  private void best(List<Run> runs) {
    b.append("\n## Best checkpoints\n\n");
    b.append(
        "| run | checkpoint | episode | score mean (window) | evaluation score mean |"
            + " evaluation success |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      TrainingRunStatus s = r.input().status();
      CheckpointRef best = s == null ? null : s.bestCheckpoint;
      b.append("| ").append(r.name()).append(" | ");
      if (best == null || best.id == null) {
        b.append("none yet | | | | |\n");
        continue;
      }
      b.append('`')
          .append(best.id)
          .append("` | ")
          .append(best.episode == null ? "" : best.episode)
          .append(" | ")
          .append(MarkdownReport.num(best.scoreMean))
          .append(" | ")
          .append(MarkdownReport.num(best.evalScoreMean))
          .append(" | ")
          .append(
              best.evalSuccessRate == null
                  ? "–"
                  : MarkdownReport.num(100 * best.evalSuccessRate) + " %")
          .append(" |\n");
    }
  }

  private void evaluations(List<Run> runs) {
    if (runs.stream().allMatch(r -> r.evaluations().isEmpty())) {
      return;
    }
    b.append("\n## Evaluation\n\n");
    b.append(
        "Each evaluated checkpoint on a run's lineage, from its records: the training window's"
            + " score when it was written beside what its policy did in the evaluation episodes.\n\n");
    b.append(
        "| run | checkpoint | evaluation episodes | training score (window) | evaluation score mean ±"
            + " std | training success (window) | evaluation success |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      for (EvaluationPoints.Point p : r.evaluations()) {
        b.append("| ")
            .append(r.name())
            .append(" | `")
            .append(p.id())
            .append("` | ")
            .append(p.episodes())
            .append(" | ")
            .append(MarkdownReport.num(p.trainingScore()))
            .append(" | ")
            .append(MarkdownReport.num(p.scoreMean()))
            .append(" ± ")
            .append(MarkdownReport.num(p.scoreStd()))
            .append(" | ")
            .append(
                p.trainingSuccess() == null
                    ? "–"
                    : MarkdownReport.num(100 * p.trainingSuccess()) + " %")
            .append(" | ")
            .append(
                p.successRate() == null ? "–" : MarkdownReport.num(100 * p.successRate()) + " %")
            .append(" |\n");
      }
    }
  }

  private void rollbacks(List<Run> runs) {
    b.append("\n## Rollbacks\n\n");
    b.append("| run | rollbacks | restarts | reasons |\n|---|---|---|---|\n");
    for (Run r : runs) {
      List<HistoryEntry> all = ReportWriter.rollbacks(r.input().status());
      List<String> reasons = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        HistoryEntry h = all.get(i);
        reasons.add(
            ReportWriter.tag(i)
                + (h.episode == null ? "" : " at episode " + h.episode)
                + (h.type == HistoryType.MANUAL_ROLLBACK ? " (manual)" : "")
                + (h.to == null ? "" : " to `" + h.to + "`")
                + (h.reason == null ? "" : ": " + h.reason.replace("|", "\\|")));
      }
      TrainingRunStatus s = r.input().status();
      b.append("| ")
          .append(r.name())
          .append(" | ")
          .append(all.size())
          .append(" | ")
          .append(s == null || s.restarts == null ? 0 : s.restarts)
          .append(" | ")
          .append(reasons.isEmpty() ? "–" : String.join("<br>", reasons))
          .append(" |\n");
    }
  }

  /** "42 s", "12 min 05 s", "3 h 07 min": a wall time at a glance; "–" when unknown. */
  static String duration(Double seconds) {
    if (seconds == null) {
      return "–";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return MarkdownReport.num(seconds) + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}

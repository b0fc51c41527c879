package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The charts of a comparison: every run's curve in one plot, on one pair of axes, each run in its
 * own colour and named in the legend, so that two runs are compared by eye and not by squinting
 * across two PNGs whose axes differ.
 */
final class CompareCharts {

  /** Where each run's phases begin and where it rolled back, on its own curve. */
  private static final Shape PHASE_START = diamond(6);

  private static final Shape ROLLBACK = cross(5);

  private CompareCharts() {}

  /**
   * Each run's score as the trailing mean over its own {@code spec.divergence.window} (the line it
   * was judged by), with its phase starts (diamonds, named), rollbacks (crosses) and evaluations
   * (dots with ± one standard deviation) on that line, in its colour.
   */
  static void score(List<CompareWriter.Run> runs, Path file) throws IOException {
    XYPlot plot = ReportCharts.plot("episode", "score");
    LegendItemCollection legend = new LegendItemCollection();
    int dataset = 0;
    boolean anyRollback = false;
    boolean anyEvaluation = false;
    for (int i = 0; i < runs.size(); i++) {
      CompareWriter.Run run = runs.get(i);
      Color colour = colour(i);
      List<EpisodeRecord> kept = run.figures().lineage().kept();
      double[] mean =
          ReportStats.movingMean(
              kept.stream().mapToDouble(EpisodeRecord::score).toArray(),
              run.figures().window().episodes());
      plot.setDataset(dataset, line(kept, mean));
      plot.setRenderer(dataset++, lineRenderer(colour, stroke(i, 2.5f)));
      legend.add(ReportCharts.line(runLabel(runs, i), colour, stroke(i, 2.5f)));

      plot.setDataset(dataset, phaseStarts(plot, run, i, kept, mean));
      plot.setRenderer(dataset++, shapeRenderer(PHASE_START, colour, true));

      XYSeries rollbacks = new XYSeries("rollbacks", false, true);
      for (ReportCharts.Marker m : run.markers()) {
        rollbacks.add(m.episode(), valueAt(kept, mean, m.episode()));
      }
      anyRollback |= !rollbacks.isEmpty();
      plot.setDataset(dataset, new XYSeriesCollection(rollbacks));
      plot.setRenderer(dataset++, shapeRenderer(ROLLBACK, colour, false));

      YIntervalSeries evaluations = new YIntervalSeries("evaluations");
      for (EvaluationPoints.Point e : run.evaluations()) {
        evaluations.add(
            e.episode(), e.scoreMean(), e.scoreMean() - e.scoreStd(), e.scoreMean() + e.scoreStd());
      }
      anyEvaluation |= evaluations.getItemCount() > 0;
      YIntervalSeriesCollection evals = new YIntervalSeriesCollection();
      evals.addSeries(evaluations);
      plot.setDataset(dataset, evals);
      plot.setRenderer(dataset++, evaluationRenderer(colour));
    }
    if (runs.stream().anyMatch(r -> r.figures().phases().size() > 1)) {
      legend.add(mark("start of a phase, named beside it", PHASE_START, Color.DARK_GRAY, true));
    }
    if (anyRollback) {
      legend.add(mark("rollback (on the run's line)", ROLLBACK, Color.DARK_GRAY, false));
    }
    if (anyEvaluation) {
      legend.add(
          mark(
              "evaluation of a checkpoint: mean ± std",
              new Ellipse2D.Double(-4, -4, 8, 8),
              Color.DARK_GRAY,
              true));
    }
    save(chart("Score", "each run's " + windowSubtitle(runs), plot, legend), null, file);
  }

  /**
   * Each routed run's alpha entropy as a trailing mean over its window (per-episode values of
   * several runs laid over one another would be a tangle), over the dotted ln E line of even
   * routing for each distinct number of experts.
   */
  static void alphaEntropy(List<CompareWriter.Run> runs, Path file) throws IOException {
    XYPlot plot = ReportCharts.plot("episode", "mean entropy of the routing weights (nats)");
    LegendItemCollection legend = new LegendItemCollection();
    List<Integer> expertCounts = new ArrayList<>();
    int dataset = 0;
    for (int i = 0; i < runs.size(); i++) {
      CompareWriter.Run run = runs.get(i);
      List<EpisodeRecord> routed =
          run.figures().lineage().kept().stream().filter(e -> e.alphaEntropy() != null).toList();
      if (routed.isEmpty()) {
        continue;
      }
      double[] mean =
          ReportStats.movingMean(
              routed.stream().mapToDouble(EpisodeRecord::alphaEntropy).toArray(),
              run.figures().window().episodes());
      plot.setDataset(dataset, line(routed, mean));
      plot.setRenderer(dataset++, lineRenderer(colour(i), stroke(i, 2.2f)));
      plot.setDataset(dataset, phaseStarts(plot, run, i, routed, mean));
      plot.setRenderer(dataset++, shapeRenderer(PHASE_START, colour(i), true));
      legend.add(ReportCharts.line(runLabel(runs, i), colour(i), stroke(i, 2.2f)));
      int experts =
          routed.stream()
              .filter(e -> e.expertUsage() != null)
              .mapToInt(e -> e.expertUsage().size())
              .max()
              .orElse(0);
      if (experts > 1 && !expertCounts.contains(experts)) {
        expertCounts.add(experts);
      }
    }
    Range mustShow = new Range(0, 0.1);
    Stroke dotted =
        new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {2, 3}, 0);
    for (int experts : expertCounts) {
      double even = Math.log(experts);
      plot.addRangeMarker(new ValueMarker(even, Color.GRAY, dotted), Layer.BACKGROUND);
      mustShow = Range.combine(mustShow, ReportCharts.entropyAxis(experts));
      legend.add(
          ReportCharts.line(
              String.format(Locale.ROOT, "ln %d = %.3f, the most even routing", experts, even),
              Color.GRAY,
              dotted));
    }
    save(
        chart("Router alpha entropy", "each run's " + windowSubtitle(runs), plot, legend),
        mustShow,
        file);
  }

  /**
   * The legend's name of a run: just its name when every run averages the same window (the subtitle
   * says which), else with its own window.
   */
  private static String runLabel(List<CompareWriter.Run> runs, int i) {
    CompareWriter.Run run = runs.get(i);
    return sameWindow(runs) ? run.name() : run.name() + ": " + run.figures().window().legend();
  }

  /** What the lines average, once for all runs when they share a window. */
  private static String windowSubtitle(List<CompareWriter.Run> runs) {
    return sameWindow(runs)
        ? runs.get(0).figures().window().legend().replace("mean of", "trailing mean of")
        : "trailing mean over its own window (in the legend)";
  }

  private static boolean sameWindow(List<CompareWriter.Run> runs) {
    return runs.stream().map(r -> r.figures().window()).distinct().count() == 1;
  }

  /** The colour of the i-th run: the report's palette, never the rollbacks' red. */
  static Color colour(int run) {
    return ReportCharts.expertColor(run);
  }

  private static XYSeriesCollection line(List<EpisodeRecord> records, double[] values) {
    XYSeries s = new XYSeries("line", false, true);
    for (int i = 0; i < records.size(); i++) {
      s.add(records.get(i).episode(), values[i]);
    }
    return new XYSeriesCollection(s);
  }

  /**
   * A diamond on the run's line where each of its phases after the first begins, its name beside it
   * in the run's colour: above and right for the first run, below for the second, to the left for
   * the next two, so that runs that share a schedule do not print their names on one another.
   */
  private static XYSeriesCollection phaseStarts(
      XYPlot plot, CompareWriter.Run run, int i, List<EpisodeRecord> records, double[] line) {
    TextAnchor[] anchors = {
      TextAnchor.BOTTOM_LEFT, TextAnchor.TOP_LEFT, TextAnchor.BOTTOM_RIGHT, TextAnchor.TOP_RIGHT
    };
    TextAnchor anchor = anchors[i % anchors.length];
    XYSeries starts = new XYSeries("phase starts", false, true);
    List<PhaseStats> phases = run.figures().phases();
    for (PhaseStats p : phases.subList(Math.min(1, phases.size()), phases.size())) {
      double y = valueAt(records, line, p.first());
      starts.add(p.first(), y);
      String text = anchor.isLeft() ? "  " + p.phase() : p.phase() + "  ";
      XYTextAnnotation name = new XYTextAnnotation(text, p.first(), y);
      name.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      name.setPaint(colour(i).darker());
      // No background box: it would blank out the other runs' lines beneath the name.
      name.setTextAnchor(anchor);
      plot.addAnnotation(name);
    }
    return new XYSeriesCollection(starts);
  }

  /** The value of a run's line at an episode: the last point at or before it. */
  private static double valueAt(List<EpisodeRecord> kept, double[] line, long episode) {
    double value = line.length == 0 ? 0 : line[0];
    for (int i = 0; i < kept.size() && kept.get(i).episode() <= episode; i++) {
      value = line[i];
    }
    return value;
  }

  /**
   * The i-th run's line: solid for the first, dashed differently for the next ones, so that runs
   * that trained alike until a change (a baseline and its variant share their first phase) both
   * show where their lines lie on one another, and a grey-scale print still tells them apart.
   */
  static Stroke stroke(int run, float width) {
    float[][] dashes = {null, {9, 5}, {3, 4}, {12, 4, 3, 4}};
    float[] dash = dashes[run % dashes.length];
    return dash == null
        ? new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, dash, 0);
  }

  private static XYLineAndShapeRenderer lineRenderer(Color colour, Stroke stroke) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, colour);
    r.setSeriesStroke(0, stroke);
    // One path, not a segment per episode: a dash pattern restarting at every point never shows.
    r.setDrawSeriesLineAsPath(true);
    return r;
  }

  private static XYLineAndShapeRenderer shapeRenderer(Shape shape, Color colour, boolean filled) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    r.setSeriesShape(0, shape);
    r.setSeriesPaint(0, colour);
    r.setSeriesShapesFilled(0, filled);
    r.setSeriesOutlinePaint(0, Color.WHITE);
    r.setUseOutlinePaint(filled);
    r.setDrawOutlines(true);
    r.setSeriesOutlineStroke(0, new BasicStroke(filled ? 1f : 2.2f));
    r.setSeriesStroke(0, new BasicStroke(2f));
    return r;
  }

  private static XYErrorRenderer evaluationRenderer(Color colour) {
    XYErrorRenderer r = new XYErrorRenderer();
    r.setDrawXError(false);
    r.setDefaultLinesVisible(false);
    r.setSeriesPaint(0, colour);
    r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    r.setErrorPaint(colour);
    r.setErrorStroke(new BasicStroke(1.2f));
    return r;
  }

  private static LegendItem mark(String label, Shape shape, Color colour, boolean filled) {
    return new LegendItem(
        label,
        null,
        null,
        null,
        true,
        shape,
        filled,
        colour,
        !filled,
        colour,
        new BasicStroke(2f),
        false,
        shape,
        new BasicStroke(1f),
        colour);
  }

  private static JFreeChart chart(
      String title, String subtitle, XYPlot plot, LegendItemCollection legend) {
    JFreeChart chart = ReportCharts.chart(title, subtitle, plot, legend);
    // Run names are the point of this legend: larger, and above the plot where the eye starts.
    LegendTitle l = chart.getLegend();
    l.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    l.setPosition(RectangleEdge.TOP);
    return chart;
  }

  /** Fits the value axis to every run's data (and {@code mustShow}), then writes the PNG. */
  private static void save(JFreeChart chart, Range mustShow, Path file) throws IOException {
    XYPlot plot = chart.getXYPlot();
    Range data = plot.getDataRange(plot.getRangeAxis());
    if (mustShow != null) {
      data = data == null ? mustShow : Range.combine(data, mustShow);
    }
    if (data == null) {
      data = new Range(0, 1);
    }
    double pad = Math.max(data.getLength() * 0.05, 1e-6);
    plot.getRangeAxis()
        .setRange(
            mustShow != null ? data.getLowerBound() : data.getLowerBound() - pad,
            data.getUpperBound() + pad);
    Range x = plot.getDataRange(plot.getDomainAxis());
    if (x != null) {
      plot.getDomainAxis()
          .setRange(x.getLowerBound(), Math.max(x.getUpperBound(), x.getLowerBound() + 1));
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, ReportCharts.WIDTH, ReportCharts.HEIGHT);
  }

  private static Shape diamond(double r) {
    Path2D.Double d = new Path2D.Double();
    d.moveTo(0, -r);
    d.lineTo(r, 0);
    d.lineTo(0, r);
    d.lineTo(-r, 0);
    d.closePath();
    return d;
  }

  private static Shape cross(double r) {
    Path2D.Double x = new Path2D.Double();
    x.moveTo(-r, -r);
    x.lineTo(r, r);
    x.moveTo(-r, r);
    x.lineTo(r, -r);
    return x;
  }
}

package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws the report's PNG charts with JFreeChart, headless. */
final class ReportCharts {

  static final int WIDTH = 1200;
  static final int HEIGHT = 600;

  private static final Color[] BANDS = {
    new Color(0xE8F0FE), new Color(0xFEF3E2), new Color(0xE6F4EA), new Color(0xF3E8FD)
  };
  private static final Color[] LINES = {
    new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
    new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F)
  };
  private static final Color ROLLBACK = new Color(0xC62828);
  private static final Color LABEL_BACKGROUND = new Color(255, 255, 255, 210);

  /**
   * Where the run rolled back (or was rolled back by hand), on the episode axis.
   *
   * @param episode the episode at which the rollback was decided
   * @param label a short label (automatic or manual)
   */
  record Marker(long episode, String label) {}

  private final List<PhaseStats> phases;
  private final List<Marker> rollbacks;

  ReportCharts(List<PhaseStats> phases, List<Marker> rollbacks) {
    this.phases = phases;
    this.rollbacks = rollbacks;
  }

  /** Score per episode, its moving mean, and the replayed episodes faint. */
  void score(Lineage lineage, Path file) throws IOException {
    int window = ReportStats.window(lineage.kept().size());
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(series("score per episode", lineage.kept(), EpisodeRecord::score));
    data.addSeries(movingMean("mean of " + window + " episodes", lineage.kept(), window));
    if (!lineage.replayed().isEmpty()) {
      data.addSeries(
          series("replayed after a rollback or restart", lineage.replayed(), EpisodeRecord::score));
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Score", "episode", "score", data, PlotOrientation.VERTICAL, true, false, false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(0x9ECAE9));
    r.setSeriesStroke(0, new BasicStroke(0.8f));
    r.setSeriesPaint(1, new Color(0x08519C));
    r.setSeriesStroke(1, new BasicStroke(2.5f));
    r.setSeriesPaint(2, new Color(0xBDBDBD));
    r.setSeriesLinesVisible(2, false);
    r.setSeriesShapesVisible(2, true);
    r.setSeriesShape(2, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
    finish(chart, r, file);
  }

  /** Alpha entropy per episode with ln E, its most even value, for reference. */
  void alphaEntropy(Lineage lineage, int experts, Path file) throws IOException {
    List<EpisodeRecord> routed =
        lineage.kept().stream().filter(e -> e.alphaEntropy() != null).toList();
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(series("alpha entropy", routed, EpisodeRecord::alphaEntropy));
    if (experts > 1) {
      XYSeries max = new XYSeries("ln " + experts + " (even routing)");
      max.add(routed.get(0).episode(), Math.log(experts));
      max.add(routed.get(routed.size() - 1).episode(), Math.log(experts));
      data.addSeries(max);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Router alpha entropy",
            "episode",
            "mean entropy of the routing weights (nats)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(0x6A1B9A));
    r.setSeriesStroke(0, new BasicStroke(1.8f));
    r.setSeriesPaint(1, Color.GRAY);
    r.setSeriesStroke(
        1,
        new BasicStroke(
            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
    finish(chart, r, file);
  }

  /** Share of samples routed to each expert, as a moving mean per expert. */
  void expertUsage(Lineage lineage, Path file) throws IOException {
    List<EpisodeRecord> routed =
        lineage.kept().stream().filter(e -> e.expertUsage() != null).toList();
    int experts = routed.stream().mapToInt(e -> e.expertUsage().size()).max().orElse(0);
    int window = ReportStats.usageWindow(routed.size());
    XYSeriesCollection data = new XYSeriesCollection();
    for (int k = 0; k < experts; k++) {
      int expert = k;
      List<EpisodeRecord> has =
          routed.stream().filter(e -> e.expertUsage().size() > expert).toList();
      double[] values = has.stream().mapToDouble(e -> e.expertUsage().get(expert)).toArray();
      double[] mean = ReportStats.movingMean(values, window);
      XYSeries s = new XYSeries("expert " + expert);
      for (int i = 0; i < has.size(); i++) {
        s.add(has.get(i).episode(), mean[i]);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Expert usage (mean of " + window + " episodes)",
            "episode",
            "share of samples routed to the expert",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int k = 0; k < experts; k++) {
      r.setSeriesPaint(k, LINES[k % LINES.length]);
      r.setSeriesStroke(k, new BasicStroke(2f));
    }
    chart.getXYPlot().getRangeAxis().setRange(0, 1.02);
    finish(chart, r, file);
  }

  /** Share of each phase's episodes per score bucket. */
  void scoreDistribution(Path file) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (PhaseStats p : phases) {
      for (int b = 0; b < ReportStats.BUCKET_LABELS.size(); b++) {
        data.addValue(
            100.0 * p.buckets()[b] / p.episodes(), p.phase(), ReportStats.BUCKET_LABELS.get(b));
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Score distribution per phase",
            "score",
            "% of the phase's episodes",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    BarRenderer r = (BarRenderer) chart.getCategoryPlot().getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    for (int i = 0; i < phases.size(); i++) {
      r.setSeriesPaint(i, LINES[i % LINES.length]);
    }
    CategoryAxis axis = chart.getCategoryPlot().getDomainAxis();
    axis.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
    style(chart);
    chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setRangeGridlinePaint(new Color(0xDDDDDD));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private void finish(JFreeChart chart, XYLineAndShapeRenderer renderer, Path file)
      throws IOException {
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    // Headroom above the data, where the phase and rollback labels go, so they cover no points.
    plot.getRangeAxis().setUpperMargin(0.15);
    Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    for (int i = 0; i < phases.size(); i++) {
      PhaseStats p = phases.get(i);
      // Bands reach from a phase's first episode to the next one's, so they tile the axis.
      double end = i + 1 < phases.size() ? phases.get(i + 1).first() : p.last();
      IntervalMarker band = new IntervalMarker(p.first(), end);
      band.setPaint(BANDS[i % BANDS.length]);
      band.setLabel(p.phase());
      band.setLabelFont(label);
      band.setLabelBackgroundColor(LABEL_BACKGROUND);
      band.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      band.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(band, Layer.BACKGROUND);
    }
    Range domain = plot.getDomainAxis().getRange();
    for (int i = 0; i < rollbacks.size(); i++) {
      Marker m = rollbacks.get(i);
      ValueMarker line = new ValueMarker(m.episode());
      line.setPaint(ROLLBACK);
      line.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {5, 3}, 0));
      line.setLabel(m.label());
      line.setLabelFont(label);
      line.setLabelBackgroundColor(LABEL_BACKGROUND);
      line.setLabelPaint(ROLLBACK);
      // Staggered below the phase names so that labels of nearby rollbacks do not print over
      // each other or over a phase's name.
      line.setLabelOffset(new RectangleInsets(22 + 16 * (i % 3), 4, 2, 4));
      // Right of the line, unless that would run the label off the plot's right edge.
      boolean right = (m.episode() - domain.getLowerBound()) < 0.7 * domain.getLength();
      line.setLabelAnchor(right ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT);
      line.setLabelTextAnchor(right ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(line, Layer.FOREGROUND);
    }
    style(chart);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
  }

  private static XYSeries series(
      String name, List<EpisodeRecord> records, ToDoubleFunction<EpisodeRecord> value) {
    // autoSort off and duplicates allowed: replayed episodes repeat episode numbers.
    XYSeries s = new XYSeries(name, false, true);
    records.forEach(r -> s.add(r.episode(), value.applyAsDouble(r)));
    return s;
  }

  private static XYSeries movingMean(String name, List<EpisodeRecord> records, int window) {
    double[] mean =
        ReportStats.movingMean(
            records.stream().mapToDouble(EpisodeRecord::score).toArray(), window);
    XYSeries s = new XYSeries(name, false, true);
    for (int i = 0; i < records.size(); i++) {
      s.add(records.get(i).episode(), mean[i]);
    }
    return s;
  }
}

package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.cli.report.ReportStats.Bins;
import dev.ratchet.cli.report.ReportStats.PhaseStats;
import dev.ratchet.cli.report.ReportStats.Window;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Draws the report's PNG charts with JFreeChart, headless. Built to stay readable from a hundred
 * episodes to tens of thousands: episodes are faint dots under the moving mean, labels are laid out
 * so they never collide, and the score bins follow the data.
 */
final class ReportCharts {

  static final int WIDTH = 1200;
  static final int HEIGHT = 600;

  /**
   * Dots drawn at most per chart; past about twenty per pixel column a denser cloud only takes
   * longer to draw.
   */
  static final int MAX_DOTS = 20_000;

  /** About the pixels the plot spans across, to judge how densely the dots crowd. */
  private static final double PLOT_WIDTH = 1100;

  private static final Color[] BANDS = {
    new Color(0xEEF3FC), new Color(0xFDF5E8), new Color(0xEBF6EE), new Color(0xF5EDFC)
  };

  /** Phase and expert colours: tab10 without its red, which is the rollbacks' colour. */
  private static final Color[] LINES = {
    new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0x9467BD),
    new Color(0x17BECF), new Color(0x8C564B), new Color(0xE377C2), new Color(0xBCBD22)
  };

  private static final Color DOT = new Color(0x4A90D9);
  private static final Color MEAN = new Color(0x08306B);
  private static final Color REPLAYED = new Color(0x8C8C8C);
  static final Color ROLLBACK = new Color(0xC62828);
  private static final Color PHASE_EDGE = new Color(0x9E9E9E);
  private static final Color GRID = new Color(0xE0E0E0);
  private static final Color EVALUATION = new Color(0xE65100);
  private static final Stroke ROLLBACK_STROKE =
      new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {5, 3}, 0);
  private static final Shape LEGEND_LINE = new Line2D.Double(-8, 0, 8, 0);

  /**
   * Where the run rolled back (or was rolled back by hand), on the episode axis.
   *
   * @param episode the episode at which the rollback was decided
   * @param tag its short name on the chart, "R1", numbered as in the report's rollback table
   * @param label what the legend says of it: where to and why
   */
  record Marker(long episode, String tag, String label) {}

  private final List<PhaseStats> phases;
  private final List<Marker> rollbacks;
  private final Window window;
  private final Bins bins;

  ReportCharts(List<PhaseStats> phases, List<Marker> rollbacks, Window window, Bins bins) {
    this.phases = phases;
    this.rollbacks = rollbacks;
    this.window = window;
    this.bins = bins;
  }

  /**
   * Each episode's score as a faint dot, the replayed ones as grey rings, and the moving mean on
   * top of both with a white halo, so the learning curve reads however many dots lie under it.
   */
  void score(Lineage lineage, Path file) throws IOException {
    List<EpisodeRecord> kept = lineage.kept();
    int stride = ReportStats.stride(kept.size(), MAX_DOTS);
    XYSeries dots = new XYSeries("dots", false, true);
    for (int i = 0; i < kept.size(); i += stride) {
      dots.add(kept.get(i).episode(), kept.get(i).score());
    }
    XYSeries replayed = new XYSeries("replayed", false, true);
    int replayedStride = ReportStats.stride(lineage.replayed().size(), MAX_DOTS);
    for (int i = 0; i < lineage.replayed().size(); i += replayedStride) {
      replayed.add(lineage.replayed().get(i).episode(), lineage.replayed().get(i).score());
    }

    XYPlot plot = plot("episode", "score");
    Color dot = withAlpha(DOT, dotAlpha(kept.size() / stride));
    plot.setDataset(0, new XYSeriesCollection(dots));
    plot.setRenderer(0, shapes(new Ellipse2D.Double(-1.5, -1.5, 3, 3), dot, true));
    plot.setDataset(1, new XYSeriesCollection(replayed));
    plot.setRenderer(1, shapes(new Ellipse2D.Double(-2, -2, 4, 4), REPLAYED, false));
    plot.setDataset(2, haloedMean(kept, window.episodes()));
    plot.setRenderer(2, haloRenderer(MEAN, 2.5f));

    LegendItemCollection legend = new LegendItemCollection();
    legend.add(
        new LegendItem(
            stride == 1
                ? "score of each episode"
                : "score of one episode in " + stride + " (of " + kept.size() + ")",
            null,
            null,
            null,
            new Ellipse2D.Double(-3, -3, 6, 6),
            DOT));
    if (!lineage.replayed().isEmpty()) {
      LegendItem ring =
          new LegendItem(
              "replayed after a rollback or restart",
              null,
              null,
              null,
              true,
              new Ellipse2D.Double(-3, -3, 6, 6),
              false,
              REPLAYED,
              true,
              REPLAYED,
              new BasicStroke(1f),
              false,
              LEGEND_LINE,
              new BasicStroke(1f),
              REPLAYED);
      legend.add(ring);
    }
    legend.add(line(window.legend(), MEAN, new BasicStroke(2.5f)));
    save(chart("Score", null, plot, legend), true, null, false, file);
  }

  /**
   * The training window's moving mean (the dark line of the score chart) beside each checkpoint's
   * evaluation: its mean with a bar of ± one standard deviation, where exploration no longer blurs
   * what the policy does.
   *
   * @param evaluated the evaluations of checkpoints on the lineage, in episode order
   */
  void evaluation(Lineage lineage, List<EvaluationPoints.Point> evaluated, Path file)
      throws IOException {
    XYPlot plot = plot("episode", "score");
    plot.setDataset(0, haloedMean(lineage.kept(), window.episodes()));
    plot.setRenderer(0, haloRenderer(MEAN, 2.5f));
    YIntervalSeries eval = new YIntervalSeries("evaluation");
    for (EvaluationPoints.Point e : evaluated) {
      eval.add(
          e.episode(), e.scoreMean(), e.scoreMean() - e.scoreStd(), e.scoreMean() + e.scoreStd());
    }
    YIntervalSeriesCollection evals = new YIntervalSeriesCollection();
    evals.addSeries(eval);
    plot.setDataset(1, evals);
    XYErrorRenderer bars = new XYErrorRenderer();
    bars.setDrawXError(false);
    bars.setDefaultLinesVisible(true);
    bars.setSeriesPaint(0, EVALUATION);
    bars.setSeriesStroke(0, new BasicStroke(1.5f));
    bars.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    bars.setErrorPaint(EVALUATION);
    bars.setErrorStroke(new BasicStroke(1.2f));
    plot.setRenderer(1, bars);
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(line("training: " + window.legend(), MEAN, new BasicStroke(2.5f)));
    EvaluationResult stored = EvaluationPoints.anyStored(evaluated).orElse(null);
    legend.add(
        new LegendItem(
            "evaluation of each checkpoint: mean ± std of "
                + evaluated.get(0).episodes()
                + (stored == null
                    ? " episodes"
                    : (stored.deterministic() ? " greedy" : " sampled")
                        + " episodes (seed "
                        + stored.seed()
                        + ")"),
            null,
            null,
            null,
            new Ellipse2D.Double(-4, -4, 8, 8),
            EVALUATION));
    save(chart("Training vs evaluation", null, plot, legend), true, null, false, file);
  }

  /**
   * Alpha entropy per episode over a thin grey reference at ln E, drawn behind the data, labelled
   * in the plot and with headroom above it: during a warmup that maximizes the entropy the data
   * lies on it, and both must still be told apart.
   */
  void alphaEntropy(Lineage lineage, int experts, Path file) throws IOException {
    List<EpisodeRecord> routed =
        lineage.kept().stream().filter(e -> e.alphaEntropy() != null).toList();
    XYSeries entropy = new XYSeries("alpha entropy", false, true);
    routed.forEach(e -> entropy.add(e.episode(), e.alphaEntropy()));
    XYPlot plot = plot("episode", "mean entropy of the routing weights (nats)");
    plot.setDataset(0, new XYSeriesCollection(entropy));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(0x6A1B9A));
    r.setSeriesStroke(0, new BasicStroke(1.8f));
    plot.setRenderer(0, r);
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(
        line(
            "alpha entropy (at the episode's last update)",
            new Color(0x6A1B9A),
            r.getSeriesStroke(0)));
    Range mustShow = entropyAxis(experts);
    if (experts > 1) {
      double even = Math.log(experts);
      ValueMarker ref = new ValueMarker(even);
      ref.setPaint(Color.GRAY);
      ref.setStroke(
          new BasicStroke(
              1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {2, 3}, 0));
      ref.setLabel(String.format(Locale.ROOT, "ln %d = %.3f: even routing", experts, even));
      ref.setLabelFont(TopLabels.PHASE_FONT);
      ref.setLabelPaint(Color.DARK_GRAY);
      ref.setLabelBackgroundColor(new Color(255, 255, 255, 225));
      ref.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      ref.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
      ref.setLabelOffset(new RectangleInsets(2, 6, 2, 6));
      plot.addRangeMarker(ref, Layer.BACKGROUND);
      mustShow = entropyAxis(experts);
      legend.add(
          line(
              String.format(Locale.ROOT, "ln %d, the most even routing", experts),
              Color.GRAY,
              ref.getStroke()));
    }
    save(chart("Router alpha entropy", null, plot, legend), true, mustShow, true, file);
  }

  /**
   * Each expert's share of the samples as a moving mean, stacked: the shares sum to 1, so stacked
   * bands in distinct colours can never hide one another as four lines at 0.25 do.
   */
  void expertUsage(Lineage lineage, Path file) throws IOException {
    List<EpisodeRecord> routed =
        lineage.kept().stream().filter(e -> e.expertUsage() != null).toList();
    int experts = routed.stream().mapToInt(e -> e.expertUsage().size()).max().orElse(0);
    DefaultTableXYDataset data = new DefaultTableXYDataset();
    LegendItemCollection legend = new LegendItemCollection();
    for (int k = 0; k < experts; k++) {
      int expert = k;
      double[] values =
          routed.stream()
              .mapToDouble(e -> e.expertUsage().size() > expert ? e.expertUsage().get(expert) : 0)
              .toArray();
      double[] mean = ReportStats.movingMean(values, window.episodes());
      XYSeries s = new XYSeries("expert " + expert, false, false);
      for (int i = 0; i < routed.size(); i++) {
        s.add(routed.get(i).episode(), mean[i], false);
      }
      data.addSeries(s);
      String last =
          mean.length == 0
              ? ""
              : String.format(Locale.ROOT, " (%.0f%% at the end)", 100 * mean[mean.length - 1]);
      legend.add(
          new LegendItem(
              "expert " + expert + last,
              null,
              null,
              null,
              new Rectangle2D.Double(-5, -5, 10, 10),
              expertColor(k)));
    }
    XYPlot plot = plot("episode", "share of the samples routed to each expert");
    plot.setDataset(0, data);
    StackedXYAreaRenderer2 r = new StackedXYAreaRenderer2();
    for (int k = 0; k < experts; k++) {
      r.setSeriesPaint(k, expertColor(k));
    }
    plot.setRenderer(0, r);
    save(
        chart("Expert usage", "stacked shares, each the " + window.legend(), plot, legend),
        true,
        new Range(0, 1),
        true,
        file);
  }

  /**
   * Share of each phase's episodes per score bin, as bars over a score axis: the bins span the
   * lineage's own score range, so CartPole's 0–500 and intercept's ±1300 both fill the chart.
   */
  void scoreDistribution(Path file) throws IOException {
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    for (PhaseStats p : phases) {
      XYIntervalSeries s = new XYIntervalSeries(p.phase());
      for (int b = 0; b < bins.count(); b++) {
        double share = 100.0 * p.counts()[b] / p.episodes();
        double lo = bins.lower(b);
        double hi = bins.upper(b);
        s.add((lo + hi) / 2, lo, hi, share, share, share);
      }
      data.addSeries(s);
    }
    XYPlot plot =
        plot(
            "score (bins of " + MarkdownReport.plain(bins.width()) + ")",
            "% of the phase's episodes");
    plot.setDataset(0, data);
    ClusteredXYBarRenderer r = new ClusteredXYBarRenderer(0, false);
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(true);
    r.setDefaultOutlinePaint(Color.WHITE);
    r.setMargin(0.08);
    for (int i = 0; i < phases.size(); i++) {
      r.setSeriesPaint(i, expertColor(i));
    }
    plot.setRenderer(0, r);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setRange(bins.lower(0), bins.upper(bins.count() - 1));
    // Ticks on bin bounds, every bound while they fit, every other one past 15 bins.
    x.setTickUnit(new NumberTickUnit(bins.width() * (bins.count() > 15 ? 2 : 1)));
    LegendItemCollection legend = new LegendItemCollection();
    for (int i = 0; i < phases.size(); i++) {
      legend.add(
          new LegendItem(
              phases.get(i).phase(),
              null,
              null,
              null,
              new Rectangle2D.Double(-5, -5, 10, 10),
              expertColor(i)));
    }
    save(
        chart("Score distribution per phase", null, plot, legend),
        false,
        new Range(0, 1),
        true,
        file);
  }

  private static XYPlot plot(String xLabel, String yLabel) {
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(null, x, y, null);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    // Datasets and series in the order added, so what comes last (the mean) is drawn on top.
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    return plot;
  }

  private static JFreeChart chart(
      String title, String subtitle, XYPlot plot, LegendItemCollection legend) {
    plot.setFixedLegendItems(legend);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
    if (subtitle != null) {
      chart.addSubtitle(0, new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    // Room right of the plot for the last tick label, which would otherwise be cut in half.
    chart.setPadding(new RectangleInsets(4, 8, 4, 24));
    return chart;
  }

  /**
   * Lays the chart out once to learn its plot's pixels, then fixes the axes — the episode axis to
   * the data, the value axis with room at the top for the label rows — and writes the PNG.
   *
   * @param episodes whether the x axis is episodes, which get phases, rollbacks and their labels
   * @param mustShow values the value axis shows even without data there (0 and ln E), or null
   * @param fromLower start the value axis at the data's (or mustShow's) lowest value, not below
   */
  private void save(
      JFreeChart chart, boolean episodes, Range mustShow, boolean fromLower, Path file)
      throws IOException {
    XYPlot plot = chart.getXYPlot();
    TopLabels labels = null;
    if (episodes) {
      labels = decorate(plot);
    }
    ChartRenderingInfo info = new ChartRenderingInfo();
    chart.createBufferedImage(WIDTH, HEIGHT, info);
    Rectangle2D area = info.getPlotInfo().getDataArea();
    double labelsHeight = labels == null ? 0 : labels.height(area, plot.getDomainAxis());
    Range data = plot.getDataRange(plot.getRangeAxis());
    if (mustShow != null) {
      data = data == null ? mustShow : Range.combine(data, mustShow);
    }
    if (data == null) {
      data = new Range(0, 1);
    }
    plot.getRangeAxis().setRange(headroom(data, area.getHeight(), labelsHeight, fromLower));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Phase bands and boundaries, rollback lines, and the labels of both; the x axis fitted. */
  private TopLabels decorate(XYPlot plot) {
    Range x = plot.getDataRange(plot.getDomainAxis());
    double lo = x == null ? 0 : x.getLowerBound();
    double hi = x == null ? 1 : x.getUpperBound();
    for (Marker m : rollbacks) {
      lo = Math.min(lo, m.episode());
      hi = Math.max(hi, m.episode());
    }
    plot.getDomainAxis().setRange(lo, hi > lo ? hi : lo + 1);
    List<TopLabels.Item> names = new ArrayList<>();
    for (int i = 0; i < phases.size(); i++) {
      PhaseStats p = phases.get(i);
      // Bands reach from a phase's first episode to the next one's, so they tile the axis.
      double end = i + 1 < phases.size() ? phases.get(i + 1).first() : hi;
      double start = i == 0 ? lo : p.first();
      IntervalMarker band = new IntervalMarker(start, end);
      band.setPaint(BANDS[i % BANDS.length]);
      plot.addDomainMarker(band, Layer.BACKGROUND);
      if (i > 0) {
        // A thin edge too, on top: a chart that fills its plot (stacked usage) hides the band.
        ValueMarker edge = new ValueMarker(start, PHASE_EDGE, new BasicStroke(1f));
        plot.addDomainMarker(edge, Layer.FOREGROUND);
      }
      names.add(new TopLabels.Item(p.phase(), start));
    }
    List<TopLabels.Item> tags = new ArrayList<>();
    for (Marker m : rollbacks) {
      plot.addDomainMarker(
          new ValueMarker(m.episode(), ROLLBACK, ROLLBACK_STROKE), Layer.FOREGROUND);
      tags.add(new TopLabels.Item(m.tag(), m.episode()));
    }
    TopLabels labels = new TopLabels(names, tags, ROLLBACK);
    plot.addAnnotation(labels);
    if (!rollbacks.isEmpty()) {
      LegendItemCollection legend = plot.getFixedLegendItems();
      for (Marker m : rollbacks) {
        legend.add(line(m.tag() + " " + m.label(), ROLLBACK, ROLLBACK_STROKE));
      }
      plot.setFixedLegendItems(legend);
    }
    return labels;
  }

  /**
   * Value axis bounds that keep every value at least {@code labelsHeight} pixels below the plot's
   * top, where the label rows are: the fraction of the height the labels take is left free above
   * the highest value.
   *
   * @param data the values' range
   * @param plotHeight the plot's height in pixels
   * @param labelsHeight pixels the labels take at the top
   * @param fromLower start the axis at the lowest value rather than a little below it
   */
  static Range headroom(Range data, double plotHeight, double labelsHeight, boolean fromLower) {
    double span =
        data.getLength() > 0 ? data.getLength() : Math.max(1, Math.abs(data.getUpperBound()));
    double lower = fromLower ? data.getLowerBound() : data.getLowerBound() - 0.03 * span;
    double free = Math.min(0.6, Math.max(0.03, (labelsHeight + 4) / plotHeight));
    double upper = (data.getUpperBound() - free * lower) / (1 - free);
    return new Range(lower, Math.max(upper, lower + span * 0.01));
  }

  /**
   * What the alpha entropy axis shows whatever the data: 0, and room above ln E for its label, so
   * neither the label nor the line is pinned to the top edge where data at ln E would hide it.
   */
  static Range entropyAxis(int experts) {
    return experts > 1 ? new Range(0, Math.log(experts) * 1.15) : new Range(0, 0.1);
  }

  /** The colour of an expert's band (and of a phase's bars): distinct, never the rollbacks' red. */
  static Color expertColor(int expert) {
    return LINES[expert % LINES.length];
  }

  /** Opacity of a dot: opaque enough alone, fainter as they crowd so the cloud shows density. */
  static float dotAlpha(int dots) {
    double perPixel = dots / PLOT_WIDTH;
    return (float) Math.max(0.12, Math.min(0.55, 0.55 / Math.sqrt(Math.max(perPixel, 1e-9))));
  }

  private static Color withAlpha(Color c, float alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(alpha * 255));
  }

  private static XYLineAndShapeRenderer shapes(Shape shape, Paint paint, boolean filled) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    r.setSeriesShape(0, shape);
    r.setSeriesPaint(0, paint);
    r.setSeriesShapesFilled(0, filled);
    r.setUseOutlinePaint(false);
    return r;
  }

  /**
   * The moving mean twice: first as a wide white halo, then the line itself, so it stands off the
   * dots beneath it.
   */
  private static XYDataset haloedMean(List<EpisodeRecord> records, int window) {
    double[] mean =
        ReportStats.movingMean(
            records.stream().mapToDouble(EpisodeRecord::score).toArray(), window);
    XYSeriesCollection c = new XYSeriesCollection();
    for (String key : List.of("halo", "mean")) {
      XYSeries s = new XYSeries(key, false, true);
      for (int i = 0; i < records.size(); i++) {
        s.add(records.get(i).episode(), mean[i]);
      }
      c.addSeries(s);
    }
    return c;
  }

  private static XYItemRenderer haloRenderer(Color paint, float width) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(255, 255, 255, 220));
    r.setSeriesStroke(
        0, new BasicStroke(width + 3.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    r.setSeriesPaint(1, paint);
    r.setSeriesStroke(1, new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    return r;
  }

  private static LegendItem line(String label, Paint paint, Stroke stroke) {
    return new LegendItem(label, null, null, null, LEGEND_LINE, stroke, paint);
  }
}

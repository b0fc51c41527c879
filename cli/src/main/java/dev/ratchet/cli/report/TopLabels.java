package dev.ratchet.cli.report;

import dev.ratchet.cli.report.LabelRows.Align;
import dev.ratchet.cli.report.LabelRows.Label;
import dev.ratchet.cli.report.LabelRows.Placed;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;

/**
 * The labels along a chart's top: phase names at their bands' starts, rollback tags ("R1") on their
 * dashed lines in the rows below. Laid out by {@link LabelRows} when drawn, on the plot's real
 * pixels, which JFreeChart's own marker labels cannot do: they know nothing of each other.
 */
final class TopLabels extends AbstractXYAnnotation {

  static final Font PHASE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font TAG_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  static final double ROW_HEIGHT = 17;
  static final double TOP = 3;

  private static final Color BACKGROUND = new Color(255, 255, 255, 225);
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  /**
   * A label in episodes, before layout.
   *
   * @param text what it says
   * @param episode where it belongs on the episode axis
   */
  record Item(String text, double episode) {}

  private final List<Item> phases;
  private final List<Item> tags;
  private final Color tagColor;

  TopLabels(List<Item> phases, List<Item> tags, Color tagColor) {
    this.phases = List.copyOf(phases);
    this.tags = List.copyOf(tags);
    this.tagColor = tagColor;
  }

  /** Where every label goes on this data area: phases from row 0, tags in the rows below them. */
  List<Placed> layout(Rectangle2D area, ValueAxis domain) {
    // The plot's own edges: a tag pushed in from an edge still covers a line drawn right on it.
    double left = area.getMinX();
    double right = area.getMaxX();
    List<Label> phaseLabels = new ArrayList<>();
    for (Item p : phases) {
      double x = domain.valueToJava2D(p.episode(), area, RectangleEdge.BOTTOM) + 3;
      phaseLabels.add(new Label(p.text(), x, width(PHASE_FONT, p.text()), Align.START));
    }
    List<Placed> placed = new ArrayList<>(LabelRows.place(phaseLabels, left, right, 0));
    List<Label> tagLabels = new ArrayList<>();
    for (Item t : tags) {
      double x = domain.valueToJava2D(t.episode(), area, RectangleEdge.BOTTOM);
      tagLabels.add(new Label(t.text(), x, width(TAG_FONT, t.text()), Align.CENTER));
    }
    List<Label> merged = LabelRows.mergeClose(tagLabels, text -> width(TAG_FONT, text));
    placed.addAll(LabelRows.place(merged, left, right, LabelRows.rows(placed)));
    return placed;
  }

  /** Pixels the labels take at the top of this data area, which the data must stay below. */
  double height(Rectangle2D area, ValueAxis domain) {
    int rows = LabelRows.rows(layout(area, domain));
    return rows == 0 ? 0 : TOP + rows * ROW_HEIGHT + 2;
  }

  @Override
  public void draw(
      Graphics2D g2,
      XYPlot plot,
      Rectangle2D dataArea,
      ValueAxis domainAxis,
      ValueAxis rangeAxis,
      int rendererIndex,
      PlotRenderingInfo info) {
    for (Placed p : layout(dataArea, domainAxis)) {
      boolean tag = p.label().align() == Align.CENTER;
      Font font = tag ? TAG_FONT : PHASE_FONT;
      double y = dataArea.getMinY() + TOP + p.row() * ROW_HEIGHT;
      g2.setPaint(BACKGROUND);
      g2.fill(new Rectangle2D.Double(p.left() - 2, y, p.label().width() + 4, ROW_HEIGHT - 2));
      g2.setFont(font);
      g2.setPaint(tag ? tagColor : Color.DARK_GRAY);
      float baseline = (float) (y + (ROW_HEIGHT - 2 + font.getSize2D() * 0.75) / 2);
      g2.drawString(p.label().text(), (float) p.left(), baseline);
    }
  }

  static double width(Font font, String text) {
    return font.getStringBounds(text, FRC).getWidth();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopLabels t
        && super.equals(o)
        && phases.equals(t.phases)
        && tags.equals(t.tags)
        && tagColor.equals(t.tagColor);
  }

  @Override
  public int hashCode() {
    return phases.hashCode() * 31 + tags.hashCode();
  }
}

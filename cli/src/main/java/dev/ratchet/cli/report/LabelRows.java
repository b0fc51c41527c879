package dev.ratchet.cli.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Places a chart's labels in rows along the top of the plot so that no two overlap and each stays
 * at its own line: a label starts at or is centred on its x, moves sideways only as far as it must
 * to stay inside the plot, and drops to the next row when its own is taken there. Pure pixel
 * arithmetic, so the layout is tested without drawing.
 */
final class LabelRows {

  /** Pixels kept free between two labels of one row. */
  static final double GAP = 6;

  /** Lines closer than this many pixels look like one line, so they get one label. */
  static final double MERGE_WITHIN = 4;

  /** How a label stands to its x. */
  enum Align {
    /** Starts at x: a phase's name at the start of its band. */
    START,
    /** Centred on x: a rollback's tag on its dashed line. */
    CENTER
  }

  /**
   * A label to place.
   *
   * @param text what it says
   * @param x the pixel it belongs to
   * @param width its width in pixels
   * @param align how it stands to x
   */
  record Label(String text, double x, double width, Align align) {}

  /**
   * A placed label.
   *
   * @param label the label
   * @param left its left edge in pixels
   * @param row its row, 0 at the top
   */
  record Placed(Label label, double left, int row) {
    double right() {
      return left + label.width();
    }
  }

  private LabelRows() {}

  /**
   * Places the labels from row {@code firstRow} down, between the plot's left and right edges;
   * sorted by their left edge, each takes the highest row whose last label ends a gap before it
   * (interval colouring, so no more rows than the most labels that crowd one spot).
   */
  static List<Placed> place(List<Label> labels, double plotLeft, double plotRight, int firstRow) {
    List<Placed> unplaced = new ArrayList<>();
    for (Label l : labels) {
      double left = l.align() == Align.START ? l.x() : l.x() - l.width() / 2;
      left = Math.max(plotLeft, Math.min(plotRight - l.width(), left));
      unplaced.add(new Placed(l, left, -1));
    }
    unplaced.sort(Comparator.comparingDouble(Placed::left));
    List<Double> rowEnds = new ArrayList<>();
    List<Placed> placed = new ArrayList<>();
    for (Placed p : unplaced) {
      int row = 0;
      while (row < rowEnds.size() && rowEnds.get(row) + GAP > p.left()) {
        row++;
      }
      if (row == rowEnds.size()) {
        rowEnds.add(p.right());
      } else {
        rowEnds.set(row, p.right());
      }
      placed.add(new Placed(p.label(), p.left(), firstRow + row));
    }
    return placed;
  }

  /** Rows the placed labels take, counting from row 0. */
  static int rows(List<Placed> placed) {
    return placed.stream().mapToInt(p -> p.row() + 1).max().orElse(0);
  }

  /**
   * Joins labels whose x lie within {@link #MERGE_WITHIN} pixels of the previous one into one
   * label, "R1,R2", centred on their mean x: their lines cannot be told apart, so neither can
   * separate labels be told which line is theirs.
   */
  static List<Label> mergeClose(List<Label> labels, ToDoubleFunction<String> width) {
    List<Label> sorted = labels.stream().sorted(Comparator.comparingDouble(Label::x)).toList();
    List<Label> merged = new ArrayList<>();
    List<Label> group = new ArrayList<>();
    for (Label l : sorted) {
      if (!group.isEmpty() && l.x() - group.get(group.size() - 1).x() > MERGE_WITHIN) {
        merged.add(join(group, width));
        group.clear();
      }
      group.add(l);
    }
    if (!group.isEmpty()) {
      merged.add(join(group, width));
    }
    return merged;
  }

  private static Label join(List<Label> group, ToDoubleFunction<String> width) {
    if (group.size() == 1) {
      return group.get(0);
    }
    String text = String.join(",", group.stream().map(Label::text).toList());
    double x = group.stream().mapToDouble(Label::x).average().orElseThrow();
    return new Label(text, x, width.applyAsDouble(text), group.get(0).align());
  }
}

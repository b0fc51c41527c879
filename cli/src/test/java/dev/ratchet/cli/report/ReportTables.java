package dev.ratchet.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a report.md's tables back, so tests compare the figures two reports print. */
public final class ReportTables {

  private ReportTables() {}

  /**
   * The data rows of the table under the heading {@code ## heading} of the markdown at {@code md},
   * each as printed ("| train | 300 (1–300) | … |"); empty when there is no such section.
   */
  public static List<String> rows(Path md, String heading) throws IOException {
    List<String> rows = new ArrayList<>();
    boolean in = false;
    int seen = 0;
    for (String line : Files.readAllLines(md)) {
      if (line.startsWith("## ")) {
        in = line.equals("## " + heading);
        continue;
      }
      if (in && line.startsWith("|")) {
        // The header and its |---| line come first.
        if (seen++ >= 2) {
          rows.add(line);
        }
      }
    }
    return rows;
  }

  /** A run's own table row as a comparison prints it: its name in a first column. */
  public static String withRun(String run, String row) {
    return "| " + run + " " + row;
  }
}

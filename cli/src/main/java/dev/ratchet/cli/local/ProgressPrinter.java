package dev.ratchet.cli.local;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The live lines of the local mode: one per N episodes, and one per event. */
final class ProgressPrinter {

  private final PrintWriter out;
  private final long everyEpisodes;
  private final long totalEpisodes;
  private long lastPrinted = -1;

  ProgressPrinter(PrintWriter out, long everyEpisodes, long totalEpisodes) {
    this.out = out;
    this.everyEpisodes = Math.max(1, everyEpisodes);
    this.totalEpisodes = totalEpisodes;
  }

  /** A line for something that happened: transition, rollback, restart, checkpoint, ... */
  void event(String reason, String message) {
    out.printf(Locale.ROOT, "» %s: %s%n", reason, message);
    out.flush();
  }

  /** The live line, when the run has passed another N episodes. */
  void progress(TrainingRunStatus status, ProgressReport report, Instant now) {
    if (report == null || report.episode() / everyEpisodes == lastPrinted / everyEpisodes) {
      return;
    }
    lastPrinted = report.episode();
    double rate = report.episodesPerMinute() == null ? 0 : report.episodesPerMinute();
    String eta =
        rate <= 0
            ? "?"
            : format(Duration.ofSeconds((long) ((totalEpisodes - report.episode()) / rate * 60)));
    out.printf(
        Locale.ROOT,
        "[%s] episode %d/%d  score %s  alpha H %s  %.0f ep/min  ETA %s%n",
        status.phase == null ? report.phase() : status.phase,
        report.episode(),
        totalEpisodes,
        number(report.scoreMean()),
        number(report.alphaEntropy()),
        rate,
        eta);
    out.flush();
  }

  private static String number(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String format(Duration d) {
    return d.toHours() > 0
        ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
        : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }
}

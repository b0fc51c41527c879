package dev.ratchet.cli.local;

import dev.ratchet.api.NumberText;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.ProgressReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live lines of the local mode: one per N episodes, taken from the trainer's per-episode
 * records (a read every second may cover hundreds of episodes), and one per event. A turn's events
 * are held until its progress lines are out, so the output reads in the order things happened: the
 * episodes that were read, then what was decided from them.
 */
final class ProgressPrinter {

  private final PrintWriter out;
  private final long everyEpisodes;
  private final long totalEpisodes;
  private final List<String> events = new ArrayList<>();
  private long lastSeen = -1;
  private int lastAttempt = -1;

  ProgressPrinter(PrintWriter out, long everyEpisodes, long totalEpisodes) {
    this.out = out;
    this.everyEpisodes = Math.max(1, everyEpisodes);
    this.totalEpisodes = totalEpisodes;
  }

  /** The default N: about 50 lines over the run, at least 10 episodes apart. */
  static long defaultEvery(long totalEpisodes) {
    return Math.max(10, totalEpisodes / 50);
  }

  /**
   * Something that happened this turn (transition, rollback, checkpoint, ...), printed at its end.
   */
  void event(String reason, String message) {
    events.add(String.format(Locale.ROOT, "» %s: %s", reason, message));
  }

  /** Ends a turn: a line per N episodes the report covers, then the turn's events. */
  void turnEnded(ProgressReport report) {
    if (report != null) {
      for (EpisodeRecord record : report.episodes()) {
        // every N-th episode; or, where records were left out, the first after a multiple of N
        boolean crossed =
            record.attempt() == lastAttempt
                && record.episode() / everyEpisodes > lastSeen / everyEpisodes;
        if (record.episode() % everyEpisodes == 0 || crossed) {
          line(record, report);
        }
        lastSeen = record.episode();
        lastAttempt = record.attempt();
      }
    }
    events.forEach(out::println);
    events.clear();
    out.flush();
  }

  private void line(EpisodeRecord record, ProgressReport report) {
    StringBuilder b =
        new StringBuilder()
            .append('[')
            .append(record.phase())
            .append("] episode ")
            .append(record.episode())
            .append('/')
            .append(totalEpisodes);
    EpisodeRecord.Window w = record.window();
    if (w != null) {
      b.append("  score mean ")
          .append(NumberText.of(w.scoreMean()))
          .append(" (last ")
          .append(w.episodes())
          .append(')');
    } else {
      b.append("  score ").append(NumberText.of(record.score()));
    }
    if (w != null && w.successRate() != null) {
      b.append("  success ").append(NumberText.of(100 * w.successRate())).append(" %");
    }
    if (record.alphaEntropy() != null) {
      b.append("  alpha entropy ").append(NumberText.of(record.alphaEntropy()));
    }
    Double rate = report.episodesPerMinute();
    if (rate != null && rate > 0) {
      b.append("  ").append(NumberText.of(rate)).append(" ep/min");
      long remaining = Math.max(0, totalEpisodes - record.episode());
      b.append("  ETA ").append(format(Duration.ofSeconds((long) (remaining / rate * 60))));
    }
    out.println(b);
  }

  private static String format(Duration d) {
    return d.toHours() > 0
        ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
        : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }
}

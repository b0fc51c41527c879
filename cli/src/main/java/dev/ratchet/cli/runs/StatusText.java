package dev.ratchet.cli.runs;

import dev.ratchet.api.NumberText;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.v1alpha1.CheckpointRef;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.storage.CheckpointStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** A run's status, history and checkpoints as text for a terminal. */
public final class StatusText {

  private StatusText() {}

  /** The status and history of a run on a cluster, one fact per line. */
  public static String status(TrainingRun run, String where) {
    return status(run, where, true);
  }

  /** The status and history, one fact per line; {@code pods}: trainers run in pods. */
  public static String status(TrainingRun run, String where, boolean pods) {
    TrainingRunStatus s = run.getStatus();
    StringBuilder b = new StringBuilder();
    String name = run.getMetadata().getName();
    if (s == null || s.state == null) {
      return "Run " + name + " (" + where + "): not started yet (no status)\n";
    }
    int phases = run.getSpec().phases.size();
    long total = run.getSpec().phases.get(phases - 1).until.episode;
    line(b, "Run", name + " (" + where + ")");
    line(
        b,
        "State",
        s.message == null
            ? s.state.label()
            : messageNamesState(s) ? s.message : s.state.label() + ": " + s.message);
    line(
        b,
        "Phase",
        s.phase == null
            ? "-"
            : s.phase
                + (s.phaseIndex == null ? "" : " (" + (s.phaseIndex + 1) + "/" + phases + ")"));
    Long ended = s.watch == null || !s.state.isFinal() ? null : s.watch.endEpisode;
    line(
        b,
        "Episode",
        ended != null && s.episode != null && s.episode > ended
            ? ended
                + " of "
                + total
                + " (the run ended there; its trainer stopped at "
                + s.episode
                + ")"
            : (s.episode == null ? "0" : s.episode) + " of " + total);
    if (s.metrics != null) {
      line(
          b,
          "Score mean",
          num(s.metrics.scoreMean)
              + (s.metrics.scoreStd == null ? "" : " ± " + num(s.metrics.scoreStd))
              + "   reward mean "
              + num(s.metrics.rewardMean)
              + (s.metrics.successRate == null
                  ? ""
                  : "   success " + NumberText.of(100 * s.metrics.successRate) + " %")
              + (s.metrics.alphaEntropy == null
                  ? ""
                  : "   alpha entropy " + num(s.metrics.alphaEntropy))
              + (s.metrics.episodesPerMinute == null
                  ? ""
                  : "   " + num(s.metrics.episodesPerMinute) + " episodes/min"));
    }
    if (s.estimatedCompletionTime != null && !s.state.isFinal() && s.state != RunState.SUSPENDED) {
      line(b, "ETA", s.estimatedCompletionTime);
    }
    if (s.initializedFrom != null) {
      line(b, "Warm start", "from the parameters of " + s.initializedFrom + " (spec.initFrom)");
    }
    line(b, "Best", checkpoint(s.bestCheckpoint));
    line(b, "Latest", checkpoint(s.latestCheckpoint));
    String scales =
        s.hyperparameterScale == null
            ? ""
            : String.format(
                Locale.ROOT,
                " (learning rate × %s, clip × %s)",
                num(s.hyperparameterScale.learningRate),
                num(s.hyperparameterScale.clipRange));
    line(
        b,
        "Rollbacks",
        Objects.requireNonNullElse(s.rollbacks, 0)
            + scales
            + "   restarts "
            + Objects.requireNonNullElse(s.restarts, 0));
    if (s.currentAttempt != null && s.currentAttempt.number != null) {
      line(
          b,
          "Attempt",
          s.currentAttempt.number
              + (s.trainerPod == null || !pods ? "" : " (pod " + s.trainerPod + ")")
              + (s.currentAttempt.resumeFrom == null
                  ? ""
                  : ", resumed from " + s.currentAttempt.resumeFrom));
    }
    if (s.startTime != null) {
      line(
          b,
          "Started",
          s.startTime + (s.completionTime == null ? "" : ", ended " + s.completionTime));
    }
    b.append('\n').append("History (oldest first):\n");
    if (s.history == null || s.history.isEmpty()) {
      b.append("  none\n");
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TIME", "EVENT", "EPISODE", "CHANGE", "REASON"});
      for (HistoryEntry h : s.history) {
        rows.add(
            new String[] {
              Objects.requireNonNullElse(h.time, ""),
              h.type == null ? "" : h.type.name(),
              h.episode == null ? "" : h.episode.toString(),
              h.from == null && h.to == null
                  ? ""
                  : Objects.requireNonNullElse(h.from, "")
                      + " → "
                      + Objects.requireNonNullElse(h.to, ""),
              Objects.requireNonNullElse(h.reason, "")
            });
      }
      table(b, rows);
    }
    return b.toString();
  }

  /**
   * Whether the status message starts by naming the state ("Suspended (Ctrl-C); ..."), so that
   * printing the state before it would stutter.
   */
  public static boolean messageNamesState(TrainingRunStatus s) {
    return s.message != null
        && s.state != null
        && s.message
            .replace(" ", "")
            .toLowerCase(Locale.ROOT)
            .startsWith(s.state.label().toLowerCase(Locale.ROOT));
  }

  /** The stored checkpoints, newest last, marking the ones the status points at. */
  public static String checkpoints(CheckpointStore.Listing listing, TrainingRunStatus status) {
    StringBuilder b = new StringBuilder();
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"CHECKPOINT", "KIND", "EPISODE", "PHASE", "SCORE MEAN", "CREATED", "MARK"});
    for (CheckpointManifest m : listing.committed()) {
      rows.add(
          new String[] {
            m.id(),
            m.kind() == null ? "" : m.kind().name(),
            Long.toString(m.episode()),
            Objects.requireNonNullElse(m.phase(), ""),
            m.metrics() == null ? "" : num(m.metrics().get(RunMetric.SCORE_MEAN.key())),
            Objects.requireNonNullElse(m.createdAt(), ""),
            marks(m.id(), status)
          });
    }
    if (rows.size() == 1) {
      b.append("No committed checkpoint.\n");
    } else {
      table(b, rows);
    }
    for (String id : listing.uncommitted()) {
      b.append("  ")
          .append(id)
          .append(": not committed (no manifest yet; still uploading or cut short)\n");
    }
    for (CheckpointStore.Rejected r : listing.rejected()) {
      b.append("  ")
          .append(r.id())
          .append(": rejected, never used: ")
          .append(r.reason())
          .append('\n');
    }
    return b.toString();
  }

  private static String marks(String id, TrainingRunStatus s) {
    if (s == null) {
      return "";
    }
    List<String> marks = new ArrayList<>();
    if (s.bestCheckpoint != null && id.equals(s.bestCheckpoint.id)) {
      marks.add("best");
    }
    if (s.latestCheckpoint != null && id.equals(s.latestCheckpoint.id)) {
      marks.add("latest");
    }
    if (s.lastGoodCheckpoint != null && id.equals(s.lastGoodCheckpoint.id)) {
      marks.add("last good");
    }
    return String.join(", ", marks);
  }

  private static String checkpoint(CheckpointRef c) {
    if (c == null || c.id == null) {
      return "-";
    }
    return c.id
        + " (episode "
        + c.episode
        + (c.scoreMean == null ? "" : ", score mean " + num(c.scoreMean))
        + (c.rankValue == null || c.rankValue.equals(c.scoreMean)
            ? ""
            : ", over the best window " + num(c.rankValue))
        + (c.evalScoreMean == null ? "" : ", evaluation " + num(c.evalScoreMean))
        + (c.evalSuccessRate == null
            ? ""
            : " (success " + NumberText.of(100 * c.evalSuccessRate) + " %)")
        + ")"
        + (c.uri == null ? "" : " " + c.uri);
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format(Locale.ROOT, "%-11s %s%n", label + ":", value));
  }

  private static void table(StringBuilder b, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder l = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        l.append(
            i == row.length - 1
                ? row[i]
                : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
      }
      b.append(l.toString().stripTrailing()).append('\n');
    }
  }

  static String num(Double v) {
    return NumberText.of(v);
  }
}

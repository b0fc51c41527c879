package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.StorageLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every checkpoint evaluation of a run, read from the episode records (each record's window carries
 * the attempt's newest evaluation), so that the report charts the evaluations of checkpoints that
 * retention has since deleted too; the stored manifests add what records do not carry (kind, seed,
 * time taken).
 */
final class EvaluationPoints {

  /**
   * One evaluation.
   *
   * @param id the evaluated checkpoint's id
   * @param attempt the attempt that wrote it
   * @param episode the training episode it was written at
   * @param episodes evaluation episodes played
   * @param scoreMean their mean score
   * @param scoreStd their score's standard deviation
   * @param successRate their success rate, or null
   * @param trainingScore the training window's mean score at that episode, or null
   * @param trainingSuccess the training window's success rate at that episode, or null
   * @param onLineage whether the surviving lineage holds that episode (not rolled back)
   * @param manifest the checkpoint's manifest while storage still holds it, else null
   */
  record Point(
      String id,
      int attempt,
      long episode,
      int episodes,
      double scoreMean,
      double scoreStd,
      Double successRate,
      Double trainingScore,
      Double trainingSuccess,
      boolean onLineage,
      CheckpointManifest manifest) {}

  private EvaluationPoints() {}

  /** The evaluations in written order (attempt, then episode). */
  static List<Point> of(
      List<EpisodeRecord> records, Lineage lineage, List<CheckpointManifest> checkpoints) {
    Map<String, CheckpointManifest> stored = new HashMap<>();
    checkpoints.forEach(m -> stored.put(m.id(), m));
    Map<String, EpisodeRecord.Window> window = new HashMap<>();
    Map<String, EpisodeRecord.Window> evaluated = new LinkedHashMap<>();
    for (EpisodeRecord r : records) {
      EpisodeRecord.Window w = r.window();
      if (w == null) {
        continue;
      }
      window.put(r.attempt() + "/" + r.episode(), w);
      if (w.evalEpisode() != null && w.evalEpisodes() != null && w.evalScoreMean() != null) {
        evaluated.putIfAbsent(r.attempt() + "/" + w.evalEpisode(), w);
      }
    }
    java.util.Set<String> kept = new java.util.HashSet<>();
    lineage.kept().forEach(r -> kept.add(r.attempt() + "/" + r.episode()));
    List<Point> points = new ArrayList<>();
    evaluated.forEach(
        (key, w) -> {
          int attempt = Integer.parseInt(key.substring(0, key.indexOf('/')));
          long episode = w.evalEpisode();
          String id = StorageLayout.checkpointId(episode, attempt);
          points.add(
              new Point(
                  id,
                  attempt,
                  episode,
                  w.evalEpisodes(),
                  w.evalScoreMean(),
                  w.evalScoreStd() == null ? 0 : w.evalScoreStd(),
                  w.evalSuccessRate(),
                  scoreOf(window.get(key)),
                  successOf(window.get(key)),
                  kept.contains(key),
                  stored.get(id)));
        });
    // A phase-end checkpoint's evaluation has no record after it: its manifest carries it.
    for (CheckpointManifest m : checkpoints) {
      EvaluationResult e = m.evaluation();
      if (e != null && points.stream().noneMatch(p -> p.id().equals(m.id()))) {
        String key = m.attempt() + "/" + m.episode();
        points.add(
            new Point(
                m.id(),
                m.attempt(),
                m.episode(),
                e.episodes(),
                e.scoreMean(),
                e.scoreStd(),
                e.successRate(),
                scoreOf(window.get(key)),
                successOf(window.get(key)),
                kept.contains(key),
                m));
      }
    }
    points.sort(Comparator.comparingInt(Point::attempt).thenComparingLong(Point::episode));
    return points;
  }

  private static Double scoreOf(EpisodeRecord.Window w) {
    return w == null ? null : w.scoreMean();
  }

  private static Double successOf(EpisodeRecord.Window w) {
    return w == null ? null : w.successRate();
  }

  /** An evaluation a stored manifest still carries in full (seed, greediness, time), if any. */
  static Optional<EvaluationResult> anyStored(List<Point> points) {
    return points.stream()
        .filter(p -> p.manifest() != null && p.manifest().evaluation() != null)
        .map(p -> p.manifest().evaluation())
        .findFirst();
  }
}

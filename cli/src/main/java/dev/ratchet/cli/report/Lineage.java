package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The episodes that made the run's final model, apart from the ones a later attempt replayed: an
 * attempt that resumes from the checkpoint of episode N plays N+1... again, superseding what the
 * attempt before it played from there on (after a rollback or a crash restart).
 *
 * @param kept the surviving episodes, in episode order
 * @param replayed superseded episodes, in the order they were played
 */
record Lineage(List<EpisodeRecord> kept, List<EpisodeRecord> replayed) {

  static Lineage of(List<EpisodeRecord> episodes) {
    Map<Integer, List<EpisodeRecord>> byAttempt = new LinkedHashMap<>();
    episodes.stream()
        .sorted(Comparator.comparingInt(EpisodeRecord::attempt))
        .forEach(e -> byAttempt.computeIfAbsent(e.attempt(), a -> new ArrayList<>()).add(e));
    List<EpisodeRecord> kept = new ArrayList<>();
    List<EpisodeRecord> replayed = new ArrayList<>();
    for (List<EpisodeRecord> attempt : byAttempt.values()) {
      attempt.sort(Comparator.comparingLong(EpisodeRecord::episode));
      long start = attempt.get(0).episode();
      while (!kept.isEmpty() && kept.get(kept.size() - 1).episode() >= start) {
        replayed.add(0, kept.remove(kept.size() - 1));
      }
      kept.addAll(attempt);
    }
    replayed.sort(
        Comparator.comparingInt(EpisodeRecord::attempt).thenComparingLong(EpisodeRecord::episode));
    return new Lineage(List.copyOf(kept), List.copyOf(replayed));
  }
}

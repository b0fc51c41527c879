package dev.ratchet.core.platform;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.storage.CheckpointStore;
import dev.ratchet.core.supervisor.Supervisor;
import dev.ratchet.core.supervisor.TrainerObservation;
import java.util.List;

/**
 * The per-episode records a platform hands the brain with an observation, so that every episode is
 * judged however seldom the platform reads: a live trainer's come with its progress report (asked
 * for with {@code ?after=}{@link Supervisor#judgedThrough}); an ended trainer's are read from the
 * records file it left in storage, since the episodes between the last read and its exit (a phase's
 * last stretch) must be judged before its end is accepted.
 */
public final class EpisodeRecords {

  private EpisodeRecords() {}

  /**
   * The records to pass with an observation.
   *
   * @param status the status last written (null for a new run)
   * @param trainer the observed trainer, or null
   * @param report its progress report, or null
   * @param store the run's storage
   */
  public static List<EpisodeRecord> of(
      TrainingRunStatus status,
      TrainerObservation trainer,
      ProgressReport report,
      CheckpointStore store) {
    if (trainer == null || status == null || status.attempt == null) {
      return List.of();
    }
    if (trainer.active()) {
      return report == null ? List.of() : report.episodes();
    }
    if (trainer.attempt() != status.attempt) {
      return List.of();
    }
    long after = Supervisor.judgedThrough(status);
    return store.episodes(trainer.attempt()).stream().filter(r -> r.episode() > after).toList();
  }
}

package dev.ratchet.cli.report;

import dev.ratchet.api.trainer.EpisodeRecord;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.util.List;

/**
 * Everything a report is made of.
 *
 * @param namespace the run's namespace ({@code local} in local mode)
 * @param run the run's name
 * @param status the run's status, or null when it has none yet
 * @param episodes every episode record of every attempt, in attempt then episode order
 */
public record ReportInput(
    String namespace, String run, TrainingRunStatus status, List<EpisodeRecord> episodes) {}

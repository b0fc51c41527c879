package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.MetricCondition;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The phase machine: where each phase ends by count, and whether its metric gate holds.
 *
 * <p>A metric gate holds when every non-empty list is satisfied: any one condition of {@code
 * anyOf}, and all conditions of {@code allOf}. A condition is satisfied once it has held after
 * every episode for {@code forEpisodes} episodes; the episode it started holding at is kept in
 * status (watch.gateHeldSince) because readings arrive in batches and the operator may restart.
 */
final class PhasePolicy {

  /**
   * The episode at which the phase ends by count: its own until.episode, else the next later
   * phase's (the last phase always has one), so a metric-gated phase cannot run forever.
   */
  long phaseEndEpisode(TrainingRunSpec spec, int phaseIndex) {
    for (int i = phaseIndex; i < spec.phases.size(); i++) {
      Long episode = spec.phases.get(i).until.episode;
      if (episode != null) {
        return episode;
      }
    }
    throw new IllegalStateException("the last phase has no until.episode; the spec is invalid");
  }

  /**
   * The phase that follows {@code phaseIndex} once {@code episode} is reached: the first later
   * phase whose count gate is still ahead; empty when the run is done.
   */
  OptionalInt nextPhase(TrainingRunSpec spec, int phaseIndex, long episode) {
    for (int i = phaseIndex + 1; i < spec.phases.size(); i++) {
      Long until = spec.phases.get(i).until.episode;
      if (until == null || until > episode) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The phase a run that ended {@code Succeeded} trains on into: the first phase after the one it
   * ended in whose count gate is still ahead of the end (a phase the user appended to the spec);
   * empty when there is none, or the run did not succeed.
   */
  OptionalInt extension(TrainingRunSpec spec, TrainingRunStatus status) {
    if (status == null
        || status.state != RunState.SUCCEEDED
        || status.currentAttempt == null
        || status.currentAttempt.phaseIndex == null) {
      return OptionalInt.empty();
    }
    return nextPhase(spec, status.currentAttempt.phaseIndex, endEpisode(status));
  }

  /** The episode a run ended at: the one its end was decided at, else the furthest it reached. */
  static long endEpisode(TrainingRunStatus status) {
    if (status.watch != null && status.watch.endEpisode != null) {
      return status.watch.endEpisode;
    }
    return status.episode == null ? 0 : status.episode;
  }

  /** The episode a phase begins at by count: the previous phase's until.episode, else 0. */
  long countStart(TrainingRunSpec spec, int phaseIndex) {
    for (int i = phaseIndex - 1; i >= 0; i--) {
      Long episode = spec.phases.get(i).until.episode;
      if (episode != null) {
        return episode;
      }
    }
    return 0;
  }

  /**
   * Updates the held-since episodes from a reading and says why the gate holds, or empty.
   *
   * @param phase the phase being trained
   * @param progress a reading of the current attempt
   * @param watch where held-since episodes are kept
   */
  Optional<String> metricGate(PhaseSpec phase, Reading progress, WatchStatus watch) {
    List<MetricCondition> anyOf = phase.until.anyOf;
    List<MetricCondition> allOf = phase.until.allOf;
    if (anyOf.isEmpty() && allOf.isEmpty()) {
      return Optional.empty();
    }
    List<String> anySatisfied = satisfied("anyOf", anyOf, progress, watch);
    List<String> allSatisfied = satisfied("allOf", allOf, progress, watch);
    boolean anyOk = anyOf.isEmpty() || !anySatisfied.isEmpty();
    boolean allOk = allOf.isEmpty() || allSatisfied.size() == allOf.size();
    if (!anyOk || !allOk) {
      return Optional.empty();
    }
    List<String> reasons =
        new ArrayList<>(anySatisfied.subList(0, Math.min(1, anySatisfied.size())));
    reasons.addAll(allSatisfied);
    return Optional.of(String.join(" and ", reasons));
  }

  private static List<String> satisfied(
      String list, List<MetricCondition> conditions, Reading progress, WatchStatus watch) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      MetricCondition c = conditions.get(i);
      String key = list + "[" + i + "]";
      Double value = progress.value(c.metric);
      boolean holds =
          Signals.finite(value) && (c.below != null ? value < c.below : value > c.above);
      if (!holds) {
        watch.gateHeldSince.remove(key); // a break resets the count
        continue;
      }
      long since = watch.gateHeldSince.computeIfAbsent(key, k -> progress.episode());
      if (progress.episode() - since >= c.forEpisodes) {
        out.add(describe(c, value, since, progress.episode()));
      }
    }
    return out;
  }

  private static String describe(MetricCondition c, double value, long since, long episode) {
    String comparison =
        c.below != null ? "below " + Signals.fmt(c.below) : "above " + Signals.fmt(c.above);
    return c.metric.key()
        + " stayed "
        + comparison
        + " for "
        + (episode - since)
        + " episodes (since episode "
        + since
        + ", now "
        + Signals.fmt(value)
        + ", required "
        + c.forEpisodes
        + ")";
  }
}

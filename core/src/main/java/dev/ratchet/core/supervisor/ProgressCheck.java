package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.WatchStatus;

/**
 * Whether a progress report of the current attempt can be believed. A report that is not plausible
 * for the attempt — negative counts, an episode before the attempt's start or behind one already
 * reported, a window larger than the episodes played, a spread below zero, another until episode —
 * is ignored whole (its episode records too), never judged.
 */
final class ProgressCheck {

  private ProgressCheck() {}

  /** Why the report cannot be believed, or null when it can. */
  static String problem(ProgressReport p, AttemptStatus a, WatchStatus w) {
    long start = a.startEpisode == null ? 0 : a.startEpisode;
    if (p.episode() < 0 || p.envSteps() < 0 || p.windowEpisodes() < 0 || p.nonFiniteCount() < 0) {
      return "negative counts (episode "
          + p.episode()
          + ", envSteps "
          + p.envSteps()
          + ", windowEpisodes "
          + p.windowEpisodes()
          + ", nonFiniteCount "
          + p.nonFiniteCount()
          + ")";
    }
    if (p.episode() < start) {
      return "episode " + p.episode() + " is before the attempt's start at episode " + start;
    }
    if (w.progressEpisode != null && p.episode() < w.progressEpisode) {
      return "the episode went backwards from " + w.progressEpisode + " to " + p.episode();
    }
    if (p.windowEpisodes() > p.episode() - start) {
      return "a window of "
          + p.windowEpisodes()
          + " episodes after only "
          + (p.episode() - start)
          + " episodes of the attempt";
    }
    if (p.scoreStd() != null && p.scoreStd() < 0) {
      return "a negative score standard deviation (" + p.scoreStd() + ")";
    }
    if (a.untilEpisode != null && p.untilEpisode() != a.untilEpisode) {
      return "until episode "
          + p.untilEpisode()
          + " where the attempt was started with "
          + a.untilEpisode;
    }
    return null;
  }
}

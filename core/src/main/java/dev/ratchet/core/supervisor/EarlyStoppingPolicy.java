package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.EarlyStoppingSpec;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.util.Optional;

/**
 * Ends a run whose metric stopped improving: no full-window value above the best by more than
 * {@code minDelta} for {@code patienceEpisodes} episodes. The best value and the episode of the
 * last improvement live in status; a rollback to an earlier episode restarts the patience there.
 */
final class EarlyStoppingPolicy {

  /**
   * Updates the remembered best and says why the run should stop, or empty.
   *
   * @param spec the early stopping spec
   * @param window episodes a reading's window must hold before it counts
   * @param progress a reading of the current attempt
   * @param watch remembered signals, updated in place
   */
  Optional<String> judge(EarlyStoppingSpec spec, int window, Reading progress, WatchStatus watch) {
    Double value = progress.value(spec.metric);
    if (progress.windowEpisodes() < window || !Signals.finite(value)) {
      return Optional.empty();
    }
    long episode = progress.episode();
    if (watch.earlyStoppingBest == null || value > watch.earlyStoppingBest + spec.minDelta) {
      watch.earlyStoppingBest = value;
      watch.earlyStoppingBestEpisode = episode;
      return Optional.empty();
    }
    long since = watch.earlyStoppingBestEpisode == null ? episode : watch.earlyStoppingBestEpisode;
    if (episode - since >= spec.patienceEpisodes) {
      return Optional.of(
          "no improvement of "
              + spec.metric.key()
              + " by more than "
              + Signals.fmt(spec.minDelta)
              + " for "
              + (episode - since)
              + " episodes (best "
              + Signals.fmt(watch.earlyStoppingBest)
              + " at episode "
              + since
              + ", patience "
              + spec.patienceEpisodes
              + ")");
    }
    return Optional.empty();
  }
}

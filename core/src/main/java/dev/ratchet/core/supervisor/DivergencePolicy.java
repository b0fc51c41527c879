package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.AttemptStatus;
import dev.ratchet.api.v1alpha1.DivergenceSpec;
import dev.ratchet.api.v1alpha1.NonFiniteAction;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.util.Optional;

/**
 * Decides whether training has diverged, from one progress report and what status remembers.
 *
 * <p>The drop rule: the spec says "below dropBelowFractionOfBest × best", which only makes sense
 * for metrics that start at zero and grow (success rates, positive scores). Rewards can be negative
 * (an intercept run went from +1100 to −1000, an untrained one may start at −1500), so the drop is
 * measured from a baseline: {@code baseline = min(0, first full-window value)} and {@code threshold
 * = baseline + fraction × (best − baseline)}. With a non-negative start this is exactly {@code
 * fraction × best}; with a negative start it means "lost more than (1 − fraction) of what was
 * gained since the start". No drop is judged before the metric rose above the baseline: there is
 * nothing to lose yet.
 *
 * <p>The noise guard: windowed means of noisy episodes wander. The best counts as learned only when
 * it lies more than {@code minStandardErrors} standard errors above the baseline, and a drop counts
 * only when it is that many standard errors below the best, each time the standard error of the
 * difference of the two windowed means (√(se₁² + se₂²), se = window std / √episodes). A run still
 * near its starting level is never rolled back for wandering around it: an intercept run whose
 * windowed score moved between −626 and −606 was rolled back three times on noise, then failed.
 *
 * <p>Judged episode by episode from the trainer's per-episode records, so the verdict does not
 * depend on how often the platform reads.
 */
final class DivergencePolicy {

  /** Kinds of divergence, for history and metrics labels. */
  enum Kind {
    NON_FINITE,
    DROP,
    GRAD_NORM,
    ALPHA_ENTROPY,
    ROUTING_STUCK,
    DEAD_EXPERT
  }

  /**
   * A divergence verdict.
   *
   * @param kind what diverged
   * @param reason a sentence with the numbers
   */
  record Verdict(Kind kind, String reason) {}

  /**
   * The drop threshold, or null before a baseline is known and the best lies significantly above it
   * (nothing learned yet, so nothing to lose).
   */
  Double threshold(DivergenceSpec spec, WatchStatus watch) {
    if (watch.divergenceBest == null
        || watch.divergenceBaseline == null
        || !(watch.divergenceBest - watch.divergenceBaseline
            > spec.minStandardErrors * baselineGap(watch))) {
      return null;
    }
    return watch.divergenceBaseline
        + spec.dropBelowFractionOfBest * (watch.divergenceBest - watch.divergenceBaseline);
  }

  /** Standard error of best − baseline (the baseline 0 of a positive metric is exact). */
  private static double baselineGap(WatchStatus w) {
    double best = orZero(w.divergenceBestStandardError);
    double base = orZero(w.divergenceBaselineStandardError);
    return Math.sqrt(best * best + base * base);
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }

  /** Raises the remembered best from a full-window reading. */
  private static void noteBest(WatchStatus watch, double value, double se, long episode) {
    if (watch.divergenceBest == null || value > watch.divergenceBest) {
      watch.divergenceBest = value;
      watch.divergenceBestEpisode = episode;
      watch.divergenceBestStandardError = se;
    }
  }

  /**
   * Updates what status remembers from a reading of the current attempt and judges it.
   *
   * @param spec the divergence spec (enabled)
   * @param attempt the current attempt (for the grace period)
   * @param progress a reading of the current attempt
   * @param beforeLastPhase whether the attempt trains a phase before the last (alpha collapse)
   * @param watch remembered signals, updated in place
   */
  Optional<Verdict> judge(
      DivergenceSpec spec,
      AttemptStatus attempt,
      Reading progress,
      boolean beforeLastPhase,
      WatchStatus watch) {
    long episode = progress.episode();
    long seen = watch.nonFiniteSeen == null ? 0 : watch.nonFiniteSeen;
    if (progress.nonFiniteCount() > seen) {
      watch.nonFiniteSeen = progress.nonFiniteCount();
      if (spec.onNonFinite != NonFiniteAction.IGNORE) {
        return Optional.of(
            new Verdict(
                Kind.NON_FINITE,
                "the trainer reported "
                    + progress.nonFiniteCount()
                    + " non-finite (NaN/Inf) update(s) by episode "
                    + episode));
      }
    }

    Double value = progress.value(spec.metric);
    boolean fullWindow = progress.windowEpisodes() >= spec.window && Signals.finite(value);
    double se = progress.standardError(spec.metric);
    if (fullWindow) {
      if (watch.divergenceBaseline == null) {
        watch.divergenceBaseline = Math.min(0.0, value);
        // a baseline of 0 is exact; a negative first window is as noisy as any other
        watch.divergenceBaselineStandardError = value < 0 ? se : 0.0;
      }
      noteBest(watch, value, se, episode);
    }
    long start = attempt.startEpisode == null ? 0 : attempt.startEpisode;
    boolean inGrace = episode < start + spec.graceEpisodes;
    boolean inCooldown = watch.cooldownUntilEpisode != null && episode < watch.cooldownUntilEpisode;

    Double threshold = threshold(spec, watch);
    double dropNoise = Math.hypot(orZero(watch.divergenceBestStandardError), se);
    if (fullWindow
        && !inGrace
        && !inCooldown
        && threshold != null
        && value < threshold
        && watch.divergenceBest - value > spec.minStandardErrors * dropNoise) {
      return Optional.of(
          new Verdict(
              Kind.DROP,
              spec.metric.key()
                  + " fell to "
                  + Signals.fmt(value)
                  + " at episode "
                  + episode
                  + ", below the threshold "
                  + Signals.fmt(threshold)
                  + " ("
                  + Signals.fmt(spec.dropBelowFractionOfBest)
                  + " of the way from the baseline "
                  + Signals.fmt(watch.divergenceBaseline)
                  + " to the best "
                  + Signals.fmt(watch.divergenceBest)
                  + " seen at episode "
                  + watch.divergenceBestEpisode
                  + (dropNoise > 0
                      ? "; the drop is "
                          + Signals.fmt((watch.divergenceBest - value) / dropNoise)
                          + " standard errors"
                      : "")
                  + ")"));
    }

    if (spec.gradNormAbove != null) {
      Double grad = progress.gradNorm();
      if (Signals.finite(grad) && grad > spec.gradNormAbove) {
        if (watch.gradNormAboveSince == null) {
          watch.gradNormAboveSince = episode;
        }
        if (!inCooldown && episode - watch.gradNormAboveSince >= spec.gradNormForEpisodes) {
          return Optional.of(
              new Verdict(
                  Kind.GRAD_NORM,
                  "the gradient norm stayed above "
                      + Signals.fmt(spec.gradNormAbove)
                      + " from episode "
                      + watch.gradNormAboveSince
                      + " to "
                      + episode
                      + " (now "
                      + Signals.fmt(grad)
                      + ")"));
        }
      } else {
        watch.gradNormAboveSince = null;
      }
    }

    if (spec.alphaEntropyCollapseBelow != null && beforeLastPhase && !inGrace && !inCooldown) {
      Double alpha = progress.alphaEntropy();
      if (Signals.finite(alpha) && alpha < spec.alphaEntropyCollapseBelow) {
        return Optional.of(
            new Verdict(
                Kind.ALPHA_ENTROPY,
                "alpha entropy collapsed to "
                    + Signals.fmt(alpha)
                    + " (below "
                    + Signals.fmt(spec.alphaEntropyCollapseBelow)
                    + ") at episode "
                    + episode
                    + ": the router uses a single expert before the last phase"));
      }
    }
    return Optional.empty();
  }
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.RouterHealthSpec;
import dev.ratchet.api.v1alpha1.WatchStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches a mixture of experts' router episode by episode: routing stuck (alpha entropy flat within
 * ε for N episodes while outside the phase's band — the seeds' fine-tune sat at 0.693 ± 0.0005 for
 * 800 episodes with a target of 0.3–0.5) and dead experts (an expert's share under a fraction of
 * the even share for N episodes). What it found is kept in status until it clears; a finding is
 * returned once, when it first holds, for the event and the chosen response.
 */
final class RouterHealthPolicy {

  /**
   * Updates what status remembers from one reading; returns a newly found problem.
   *
   * @param spec the router health spec
   * @param band the current phase's alpha entropy band, or null when it sets none
   * @param reading a reading of the current attempt
   * @param watch remembered signals, updated in place
   */
  List<DivergencePolicy.Verdict> judge(
      RouterHealthSpec spec, AlphaEntropyTarget band, Reading reading, WatchStatus watch) {
    List<DivergencePolicy.Verdict> found = new ArrayList<>();
    stuck(spec, band, reading, watch).ifPresent(found::add);
    dead(spec, reading, watch).ifPresent(found::add);
    return found;
  }

  private static Optional<DivergencePolicy.Verdict> stuck(
      RouterHealthSpec spec, AlphaEntropyTarget band, Reading r, WatchStatus w) {
    Double alpha = r.alphaEntropy();
    if (band == null || band.low == null || band.high == null || !Signals.finite(alpha)) {
      clearStuck(w);
      return Optional.empty();
    }
    if (alpha >= band.low && alpha <= band.high) {
      clearStuck(w);
      return Optional.empty();
    }
    if (w.routingFlatSince == null || Math.abs(alpha - w.routingFlatValue) > spec.stuckEpsilon) {
      w.routingFlatSince = r.episode();
      w.routingFlatValue = alpha;
      w.routingStuck = null;
      return Optional.empty();
    }
    long flat = r.episode() - w.routingFlatSince;
    if (flat < spec.stuckForEpisodes || w.routingStuck != null) {
      return Optional.empty();
    }
    w.routingStuck =
        "alpha entropy stayed within "
            + Signals.fmt(spec.stuckEpsilon)
            + " of "
            + Signals.fmt(w.routingFlatValue)
            + " from episode "
            + w.routingFlatSince
            + " to "
            + r.episode()
            + ", outside the phase's band "
            + Signals.fmt(band.low)
            + "–"
            + Signals.fmt(band.high);
    return Optional.of(
        new DivergencePolicy.Verdict(DivergencePolicy.Kind.ROUTING_STUCK, w.routingStuck));
  }

  private static void clearStuck(WatchStatus w) {
    w.routingFlatSince = null;
    w.routingFlatValue = null;
    w.routingStuck = null;
  }

  private static Optional<DivergencePolicy.Verdict> dead(
      RouterHealthSpec spec, Reading r, WatchStatus w) {
    List<Double> usage = r.expertUsage();
    if (usage == null || usage.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> since = w.expertDeadSince;
    double threshold = spec.deadBelowShare / usage.size();
    List<String> dead = new ArrayList<>();
    for (int i = 0; i < usage.size(); i++) {
      String key = Integer.toString(i);
      Double share = usage.get(i);
      if (share == null || share >= threshold) {
        since.remove(key);
        continue;
      }
      long from = since.computeIfAbsent(key, k -> r.episode());
      if (r.episode() - from >= spec.deadForEpisodes) {
        dead.add("expert " + i + " (share " + Signals.fmt(share) + " since episode " + from + ")");
      }
    }
    if (dead.isEmpty()) {
      w.deadExperts = null;
      return Optional.empty();
    }
    boolean fresh = w.deadExperts == null;
    w.deadExperts =
        String.join(", ", dead)
            + " under "
            + Signals.fmt(spec.deadBelowShare)
            + " of the even share for "
            + spec.deadForEpisodes
            + " episodes or more";
    return fresh
        ? Optional.of(
            new DivergencePolicy.Verdict(DivergencePolicy.Kind.DEAD_EXPERT, w.deadExperts))
        : Optional.empty();
  }
}

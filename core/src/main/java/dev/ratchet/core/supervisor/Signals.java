package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.v1alpha1.RunMetric;

/** Reads a watched metric out of a checkpoint manifest; names and formats figures. */
final class Signals {

  private Signals() {}

  /** The metric a checkpoint was saved with, or null when absent. */
  static Double of(CheckpointManifest manifest, RunMetric metric) {
    return manifest.metrics() == null ? null : manifest.metrics().get(metric.key());
  }

  static boolean finite(Double value) {
    return value != null && Double.isFinite(value);
  }

  /** Whether a checkpoint's metrics are all finite and it saw no NaN/Inf before it. */
  static boolean healthy(CheckpointManifest manifest) {
    return !manifest.nonFinite()
        && (manifest.metrics() == null
            || manifest.metrics().values().stream().allMatch(v -> v == null || Double.isFinite(v)));
  }

  /** A number for people: up to 4 significant digits. */
  static String fmt(double value) {
    return dev.ratchet.api.NumberText.of(value);
  }
}

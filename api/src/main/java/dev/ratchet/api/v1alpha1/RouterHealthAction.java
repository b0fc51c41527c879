package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a router health problem leads to. */
public enum RouterHealthAction {
  /** A condition, an event and a Prometheus series; training goes on. */
  @JsonProperty("report")
  REPORT,
  /** The same, then a rollback as for divergence (same action, counted in maxRollbacks). */
  @JsonProperty("rollback")
  ROLLBACK
}

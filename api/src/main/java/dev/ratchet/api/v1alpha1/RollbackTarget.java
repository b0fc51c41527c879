package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which committed checkpoint an automatic rollback resumes from. */
public enum RollbackTarget {
  @JsonProperty("best")
  BEST,
  @JsonProperty("lastGood")
  LAST_GOOD
}

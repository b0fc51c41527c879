package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How router logits become expert weights. */
public enum Routing {
  @JsonProperty("softmax")
  SOFTMAX,
  @JsonProperty("sparsemax")
  SPARSEMAX
}

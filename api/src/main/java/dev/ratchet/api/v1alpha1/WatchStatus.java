package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Ratchet remembers between decisions about the training signals: windowed series are only
 * seen one progress report at a time, and the operator may restart at any moment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WatchStatus {

  @JsonPropertyDescription("Best windowed value of the divergence metric seen so far.")
  public Double divergenceBest;

  @JsonPropertyDescription("Episode at which divergenceBest was seen.")
  public Long divergenceBestEpisode;

  @JsonPropertyDescription("Standard error of the windowed mean at divergenceBest.")
  public Double divergenceBestStandardError;

  @JsonPropertyDescription("min(0, first full-window value): the level drops are measured from.")
  public Double divergenceBaseline;

  @JsonPropertyDescription(
      "Standard error of the first full window when it is the baseline, else 0.")
  public Double divergenceBaselineStandardError;

  @JsonPropertyDescription("No drop, grad norm or alpha entropy divergence is judged before this.")
  public Long cooldownUntilEpisode;

  @JsonPropertyDescription("Why the run last counted as diverged; unset once it recovered.")
  public String divergedReason;

  @JsonPropertyDescription("Episode since which the grad norm has stayed above the limit.")
  public Long gradNormAboveSince;

  @JsonPropertyDescription("Non-finite count of the current attempt already acted on.")
  public Long nonFiniteSeen;

  @JsonPropertyDescription("Episode since which each phase gate condition has held, by condition.")
  public Map<String, Long> gateHeldSince = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Episode since which alpha entropy has stayed flat outside the phase's band, and the value.")
  public Long routingFlatSince;

  @JsonPropertyDescription("The alpha entropy routingFlatSince started at.")
  public Double routingFlatValue;

  @JsonPropertyDescription("Episode since which each expert (by index) has been out of use.")
  public Map<String, Long> expertDeadSince = new LinkedHashMap<>();

  @JsonPropertyDescription("Why routing counts as stuck; unset while it does not.")
  public String routingStuck;

  @JsonPropertyDescription("Which experts count as dead; unset while none does.")
  public String deadExperts;

  @JsonPropertyDescription("Best windowed value of the early stopping metric seen so far.")
  public Double earlyStoppingBest;

  @JsonPropertyDescription("Episode of the last improvement of the early stopping metric.")
  public Long earlyStoppingBestEpisode;

  @JsonPropertyDescription("Crashes in a row without a checkpoint committed in between.")
  public Integer consecutiveCrashes;

  @JsonPropertyDescription("The crashes in a row, each with its attempt and exit code.")
  public List<String> crashes = new ArrayList<>();

  @JsonPropertyDescription("Checkpoint ids ignored for a missing manifest or a bad sha256.")
  public List<String> rejectedCheckpoints = new ArrayList<>();

  @JsonPropertyDescription(
      "Checkpoint ids a trainer refused to resume from (corrupt, or not fitting the model): never"
          + " resumed from again, never deleted.")
  public List<String> refusedCheckpoints = new ArrayList<>();

  @JsonPropertyDescription("Newest episode the current attempt's trainer reported.")
  public Long progressEpisode;

  @JsonPropertyDescription(
      "When the current attempt last finished an episode (or was last seen not yet running).")
  public String progressAt;

  @JsonPropertyDescription("Why the last progress report was ignored; unset once one is used.")
  public String progressRejected;

  @JsonPropertyDescription("Checkpoint ids that ended a phase; retention keeps them.")
  public List<String> phaseEndCheckpoints = new ArrayList<>();

  @JsonPropertyDescription(
      "Index of the phase that started from each phase-end checkpoint: a rollback to one of them"
          + " resumes in that phase, not in the phase that wrote it.")
  public Map<String, Integer> phaseStartedFrom = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Episode at which the run ended (Succeeded or EarlyStopped): checkpoints its last attempt"
          + " committed after it, while stopping, are kept but not ranked as best.")
  public Long endEpisode;

  @JsonPropertyDescription(
      "Why the run ended, without the best checkpoint: the message is this and the current best.")
  public String endReason;
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What Ratchet observed and decided; written only by Ratchet, through the status subresource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingRunStatus {

  /** The newest history entries kept; older ones are dropped first. */
  public static final int HISTORY_LIMIT = 50;

  @JsonPropertyDescription("Lifecycle state of the run.")
  public RunState state;

  @JsonPropertyDescription("Name of the phase being trained.")
  public String phase;

  @JsonPropertyDescription("Index of the phase being trained in spec.phases.")
  public Integer phaseIndex;

  @JsonPropertyDescription("Episodes completed since the run started, across attempts.")
  public Long episode;

  @JsonPropertyDescription("Environment steps completed since the run started, across attempts.")
  public Long envSteps;

  @JsonPropertyDescription("Number of the current trainer attempt, starting at 1.")
  public Integer attempt;

  @JsonPropertyDescription(
      "s3:// URI of the checkpoint whose parameters the run started from (spec.initFrom), once an"
          + " attempt started from it; a source named by run is resolved once and pinned here.")
  public String initializedFrom;

  @JsonPropertyDescription("Name of the pod (or local process) running the current attempt.")
  public String trainerPod;

  @JsonPropertyDescription("The spec generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("A sentence for people on what the run is doing or what went wrong.")
  public String message;

  @JsonPropertyDescription("Latest windowed training metrics reported by the trainer.")
  public RunMetricsStatus metrics;

  @JsonPropertyDescription("The committed checkpoint with the best windowed metric.")
  public CheckpointRef bestCheckpoint;

  @JsonPropertyDescription("The newest committed checkpoint.")
  public CheckpointRef latestCheckpoint;

  @JsonPropertyDescription(
      "The newest committed checkpoint with finite metrics above the divergence threshold.")
  public CheckpointRef lastGoodCheckpoint;

  @JsonPropertyDescription("Automatic rollbacks carried out so far.")
  public Integer rollbacks;

  @JsonPropertyDescription("Crash restarts carried out so far.")
  public Integer restarts;

  @JsonPropertyDescription("The nonce of the last manual rollback carried out.")
  public String observedRollbackNonce;

  @JsonPropertyDescription("Scales applied to the spec's hyperparameters by rollbacks so far.")
  public HyperparameterScale hyperparameterScale;

  @JsonPropertyDescription("The attempt started last and where it started from.")
  public AttemptStatus currentAttempt;

  @JsonPropertyDescription("The attempt decided on, started once the current one has ended.")
  public PlannedAttemptStatus nextAttempt;

  @JsonPropertyDescription("Signal tracking kept between decisions (gates, best values, crashes).")
  public WatchStatus watch;

  @JsonPropertyDescription("Phase transitions, rollbacks, restarts and stops, newest last.")
  public List<HistoryEntry> history = new ArrayList<>();

  @JsonPropertyDescription("Standard conditions: Ready, Progressing, Diverged, Degraded.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the first attempt started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the run reached a final state (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("When the run is expected to finish at the current episode rate.")
  public String estimatedCompletionTime;
}

package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.TrainerConfig;

/**
 * What a platform supplies that a TrainingRun may leave out, applied in one place (the trainer
 * config of each attempt) instead of by rewriting the spec: the operator's configured storage and
 * trainer port, or local mode's embedded S3 server and a port of its choosing.
 *
 * @param storageEndpoint S3 endpoint for runs whose spec names none, or null when there is none
 * @param storageEndpointFixed whether every run stores there whatever its spec names (local mode:
 *     the same YAML runs on one machine against its embedded S3 server)
 * @param trainerPort port of the trainer's HTTP endpoints
 * @param preemptGraceSeconds seconds between SIGTERM and SIGKILL for a stopping trainer, when the
 *     spec sets none
 * @param suspendWording how the platform's users suspend and resume, for messages
 */
public record PlatformDefaults(
    String storageEndpoint,
    boolean storageEndpointFixed,
    int trainerPort,
    long preemptGraceSeconds,
    SuspendWording suspendWording) {

  /** A cluster platform's defaults: suspended and resumed through {@code spec.suspend}. */
  public PlatformDefaults(
      String storageEndpoint,
      boolean storageEndpointFixed,
      int trainerPort,
      long preemptGraceSeconds) {
    this(
        storageEndpoint,
        storageEndpointFixed,
        trainerPort,
        preemptGraceSeconds,
        SuspendWording.CLUSTER);
  }

  /** Defaults of a platform that supplies nothing. */
  public static final PlatformDefaults NONE =
      new PlatformDefaults(null, false, TrainerConfig.DEFAULT_HTTP_PORT, 60);

  /** The endpoint an attempt stores at, given the one its spec names (maybe none). */
  public String storageEndpoint(String fromSpec) {
    return storageEndpointFixed || fromSpec == null || fromSpec.isBlank()
        ? storageEndpoint
        : fromSpec;
  }
}

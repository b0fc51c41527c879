package dev.ratchet.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's settings, read from {@code application.properties} and overridable by environment
 * variables (e.g. {@code RATCHET_TRAINER_IMAGE}, {@code RATCHET_POLL_INTERVAL}).
 */
@ConfigMapping(prefix = "ratchet")
public interface OperatorConfig {

  /** Trainer image for runs whose spec.trainer.image is empty. */
  @WithDefault("ghcr.io/ratchet-dev/ratchet-trainer:0.1.0")
  String trainerImage();

  /** How often a running trainer's /v1/progress is polled. */
  @WithDefault("10s")
  Duration pollInterval();

  /**
   * Time a stopping trainer gets to write its preempt checkpoint before it is killed; becomes the
   * pod's terminationGracePeriodSeconds.
   */
  @WithDefault("120s")
  Duration preemptGracePeriod();

  /** Port of the trainer's HTTP endpoints (/metrics, /v1/progress, /healthz). */
  @WithDefault("9400")
  int trainerPort();

  /** Storage defaults for runs whose spec.checkpoints.storage leaves them out. */
  Storage storage();

  /** Default S3 location and credentials. */
  interface Storage {

    /** S3 endpoint URL used when the spec has none. */
    Optional<String> endpoint();

    /** Secret (keys accessKey, secretKey) used when the spec names none. */
    @WithDefault("ratchet-s3")
    String credentialsSecret();
  }
}

package dev.ratchet.api.trainer;

/** Environment variables of the operator ↔ trainer contract. */
public final class TrainerEnv {

  /** Path of the attempt's {@link TrainerConfig} JSON file. */
  public static final String CONFIG = "RATCHET_TRAINER_CONFIG";

  /**
   * Told to an external environment's server (a local child process or a sidecar): the port to
   * listen on. ratchet-env-serve reads it.
   */
  public static final String ENVIRONMENT_PORT = "RATCHET_ENV_PORT";

  /** Told to an external environment's server: the copies to run (environment.numEnvs). */
  public static final String ENVIRONMENT_NUM_ENVS = "RATCHET_ENV_NUM_ENVS";

  /** S3 access key, from the storage Secret's {@code accessKey}. */
  public static final String S3_ACCESS_KEY = "AWS_ACCESS_KEY_ID";

  /** S3 secret key, from the storage Secret's {@code secretKey}. */
  public static final String S3_SECRET_KEY = "AWS_SECRET_ACCESS_KEY";

  /**
   * Address the trainer's HTTP endpoints bind to; unset binds every interface, as a pod needs (the
   * supervisor reads the pod IP). Local mode sets 127.0.0.1: nothing outside the machine.
   */
  public static final String HTTP_HOST = "RATCHET_TRAINER_HTTP_HOST";

  /**
   * A file the trainer writes its one-line reason to when it fails. On a cluster it is the
   * container's terminationMessagePath, which Kubernetes copies into the pod's status for the
   * operator to read; in local mode, a file of the attempt.
   */
  public static final String TERMINATION_LOG = "RATCHET_TRAINER_TERMINATION_LOG";

  /** The container's terminationMessagePath (Kubernetes' default). */
  public static final String TERMINATION_LOG_PATH = "/dev/termination-log";

  /** Key of the access key in the storage Secret. */
  public static final String SECRET_ACCESS_KEY_FIELD = "accessKey";

  /** Key of the secret key in the storage Secret. */
  public static final String SECRET_SECRET_KEY_FIELD = "secretKey";

  private TrainerEnv() {}
}

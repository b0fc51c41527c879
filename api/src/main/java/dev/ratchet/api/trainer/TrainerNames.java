package dev.ratchet.api.trainer;

/**
 * Names of an attempt's trainer, the same wherever they appear: the pod and its ConfigMap on a
 * cluster, {@code status.trainerPod} and what {@code kubectl ratchet status} prints.
 */
public final class TrainerNames {

  private TrainerNames() {}

  /** The trainer pod of an attempt: {@code RUN-aATTEMPT}, e.g. {@code dungeon-moe-a3}. */
  public static String pod(String run, int attempt) {
    return run + "-a" + attempt;
  }

  /** The ConfigMap holding an attempt's trainer config. */
  public static String configMap(String run, int attempt) {
    return pod(run, attempt) + "-config";
  }
}

package dev.ratchet.api.trainer;

/**
 * The trainer's exit codes, the contract between the trainer and whatever supervises it: the
 * trainer exits with them, the supervisor reads them (a refused checkpoint is never resumed from
 * again). Other codes are the JVM's or the kernel's (137 for SIGKILL, 143 for SIGTERM).
 */
public final class TrainerExitCodes {

  /** Reached its until episode (final or phase-end checkpoint committed), or stopped cleanly. */
  public static final int OK = 0;

  /** Anything unexpected; the log's last line says what. */
  public static final int FAILED = 1;

  /** The config file or environment is wrong: restarting it unchanged cannot help. */
  public static final int BAD_CONFIG = 2;

  /** Storage could not be reached or written after retries. */
  public static final int STORAGE = 3;

  /** The checkpoint to resume from was never committed, is corrupt or does not fit the model. */
  public static final int REFUSED_CHECKPOINT = 4;

  /**
   * The external environment server could not be reached at start, went away, failed, or did not
   * answer a step in time: like a crash, a restart (with a new server) may help.
   */
  public static final int ENVIRONMENT = 5;

  /**
   * How an exit by a signal reads (a shell's and a container runtime's 128 + signal): "killed by
   * SIGKILL (out of memory, or killed)"; null for any other code.
   */
  public static String describeSignal(int code) {
    if (code <= 128 || code >= 160) {
      return null;
    }
    int signal = code - 128;
    return switch (signal) {
      case 9 -> "killed by SIGKILL (out of memory, or killed)";
      case 15 -> "killed by SIGTERM";
      case 6 -> "killed by SIGABRT (the JVM or a native library aborted)";
      case 11 -> "killed by SIGSEGV (a crash in native code)";
      default -> "killed by signal " + signal;
    };
  }

  private TrainerExitCodes() {}
}

package dev.ratchet.api.environment;

import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import java.util.List;
import java.util.Locale;

/**
 * The checks of {@code spec.environment} — sizes and every environment's options — in one place, so
 * {@code ratchet validate}, the operator and the trainer refuse the same typo with the same
 * message, before an attempt is started rather than in a crash loop.
 */
public final class EnvironmentChecks {

  /** CartPole's one option, for fault drills: NaN observations from that episode on. */
  public static final String NAN_FROM_EPISODE = "nanObservationsFromEpisode";

  private EnvironmentChecks() {}

  /**
   * Checks {@code environment} (name, sizes, options) without building anything.
   *
   * @throws IllegalArgumentException whose message begins with the offending field, e.g. {@code
   *     environment.options.goldpiles is not an option of dungeon (allowed: …)}
   */
  public static void check(EnvironmentSpec spec) {
    checkSizes(spec);
    switch (spec.name) {
      case CARTPOLE -> cartPoleNanFromEpisode(spec);
      case DUNGEON -> dungeon(spec);
      case INTERCEPT -> intercept(spec);
      case EXTERNAL -> external(spec);
    }
    if (spec.name != EnvironmentName.EXTERNAL && spec.external != null) {
      throw new IllegalArgumentException(
          "environment.external is only for name external, not "
              + label(spec.name)
              + ": remove it, or set environment.name to external");
    }
  }

  /**
   * The server of an external environment, checked: a command to start it, a port, timeouts; its
   * options are the server's own business (pass them in the command), so none are taken here.
   */
  public static ExternalEnvironmentSpec external(EnvironmentSpec spec) {
    options(spec, List.of());
    ExternalEnvironmentSpec e = spec.external;
    if (e == null) {
      throw new IllegalArgumentException(
          "environment.external is missing: name external needs the server's command and port,"
              + " e.g. external: {command: [ratchet-env-serve, gymnasium:CartPole-v1], port: 50051}");
    }
    if (e.command == null
        || e.command.isEmpty()
        || e.command.stream().anyMatch(a -> a == null)
        || e.command.get(0).isBlank()) {
      throw new IllegalArgumentException(
          "environment.external.command must name the server's program and its arguments, e.g."
              + " [ratchet-env-serve, gymnasium:CartPole-v1]");
    }
    if (e.port < 1 || e.port > 65535) {
      throw new IllegalArgumentException(
          "environment.external.port must be a port from 1 to 65535, got " + e.port);
    }
    if (e.startupTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "environment.external.startupTimeoutSeconds must be at least 1, got "
              + e.startupTimeoutSeconds);
    }
    if (e.stepTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "environment.external.stepTimeoutSeconds must be at least 1, got "
              + e.stepTimeoutSeconds);
    }
    return e;
  }

  /** The dungeon options of {@code spec}. */
  public static DungeonOptions dungeon(EnvironmentSpec spec) {
    return DungeonOptions.from(options(spec, DungeonOptions.KEYS));
  }

  /** The intercept options of {@code spec}. */
  public static InterceptOptions intercept(EnvironmentSpec spec) {
    return InterceptOptions.from(options(spec, InterceptOptions.KEYS));
  }

  /** CartPole's episode from which observations are NaN (0: never). */
  public static int cartPoleNanFromEpisode(EnvironmentSpec spec) {
    return options(spec, List.of(NAN_FROM_EPISODE))
        .integer(NAN_FROM_EPISODE, 0, 0, Integer.MAX_VALUE);
  }

  /** Sizes every environment needs. */
  public static void checkSizes(EnvironmentSpec spec) {
    if (spec == null || spec.name == null) {
      throw new IllegalArgumentException("environment.name is missing");
    }
    if (spec.numEnvs < 1) {
      throw new IllegalArgumentException("environment.numEnvs must be at least 1");
    }
    if (spec.maxStepsPerEpisode < 1) {
      throw new IllegalArgumentException("environment.maxStepsPerEpisode must be at least 1");
    }
  }

  /** The name as the spec spells it. */
  public static String label(EnvironmentName name) {
    return name.name().toLowerCase(Locale.ROOT);
  }

  private static EnvOptions options(EnvironmentSpec spec, List<String> keys) {
    return new EnvOptions(label(spec.name), spec.options, keys);
  }
}

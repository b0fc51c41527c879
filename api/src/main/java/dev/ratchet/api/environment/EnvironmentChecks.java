package dev.ratchet.api.environment;

import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
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
    }
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

package dev.ratchet.trainer.env;

import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.trainer.env.dungeon.DungeonOptions;
import dev.ratchet.trainer.env.dungeon.VecDungeon;
import dev.ratchet.trainer.env.intercept.InterceptOptions;
import dev.ratchet.trainer.env.intercept.VecIntercept;
import java.util.List;
import java.util.Locale;

/** Builds the vectorized environment a spec names, with its options checked. */
public final class EnvFactory {

  private EnvFactory() {}

  /** The environment of {@code spec}: numEnvs copies, episodes cut at maxStepsPerEpisode. */
  public static VecEnv create(EnvironmentSpec spec) {
    checkSizes(spec);
    int n = spec.numEnvs;
    int maxSteps = spec.maxStepsPerEpisode;
    return switch (spec.name) {
      case CARTPOLE -> {
        EnvOptions o = cartPoleOptions(spec);
        yield new VecCartPole(
            n, maxSteps, spec.seed, o.integer(NAN_FROM_EPISODE, 0, 0, Integer.MAX_VALUE));
      }
      case DUNGEON -> new VecDungeon(n, maxSteps, spec.seed, dungeonOptions(spec));
      case INTERCEPT -> new VecIntercept(n, maxSteps, spec.seed, interceptOptions(spec));
    };
  }

  /**
   * Checks {@code environment} (name, sizes, options) without building anything.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public static void check(EnvironmentSpec spec) {
    checkSizes(spec);
    switch (spec.name) {
      case CARTPOLE -> cartPoleOptions(spec);
      case DUNGEON -> dungeonOptions(spec);
      case INTERCEPT -> interceptOptions(spec);
    }
  }

  /** The dungeon options of {@code spec}. */
  public static DungeonOptions dungeonOptions(EnvironmentSpec spec) {
    return DungeonOptions.from(options(spec, DungeonOptions.KEYS));
  }

  /** The intercept options of {@code spec}. */
  public static InterceptOptions interceptOptions(EnvironmentSpec spec) {
    return InterceptOptions.from(options(spec, InterceptOptions.KEYS));
  }

  /** CartPole's one option, for fault drills: NaN observations from that episode on. */
  public static final String NAN_FROM_EPISODE = "nanObservationsFromEpisode";

  private static EnvOptions cartPoleOptions(EnvironmentSpec spec) {
    EnvOptions o = options(spec, List.of(NAN_FROM_EPISODE));
    o.integer(NAN_FROM_EPISODE, 0, 0, Integer.MAX_VALUE);
    return o;
  }

  private static EnvOptions options(EnvironmentSpec spec, List<String> keys) {
    return new EnvOptions(label(spec.name), spec.options, keys);
  }

  private static void checkSizes(EnvironmentSpec spec) {
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
}

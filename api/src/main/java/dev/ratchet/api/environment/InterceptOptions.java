package dev.ratchet.api.environment;

import java.util.List;

/**
 * The intercept environment's {@code environment.options}.
 *
 * @param interceptRadius miss distance (m) under which the missile counts as intercepted
 * @param spawnDistance mean distance (m) of the missile from the launcher at the start (±10%)
 * @param missileSpeed mean airspeed (m/s) of the missile (±10%)
 * @param targetWeave largest amplitude (degrees) of the missile's sinusoidal heading weave
 * @param windMax largest wind speed (m/s); each episode draws one constant wind
 * @param radarNoise standard deviation (m, per axis) of the radar's position measurements
 * @param fuelSeconds seconds of thrust in the tank
 * @param maxLateralAccel the largest lateral acceleration command (m/s²)
 */
public record InterceptOptions(
    double interceptRadius,
    double spawnDistance,
    double missileSpeed,
    double targetWeave,
    double windMax,
    double radarNoise,
    double fuelSeconds,
    double maxLateralAccel) {

  /** The keys of {@code environment.options} the intercept environment understands. */
  public static final List<String> KEYS =
      List.of(
          "interceptRadius",
          "spawnDistance",
          "missileSpeed",
          "targetWeave",
          "windMax",
          "radarNoise",
          "fuelSeconds",
          "maxLateralAccel");

  /** The defaults of every option. */
  public static InterceptOptions defaults() {
    return from(new EnvOptions("intercept", null, KEYS));
  }

  /** Reads the options, refusing unknown keys and out-of-range values. */
  public static InterceptOptions from(EnvOptions o) {
    return new InterceptOptions(
        o.number("interceptRadius", 150, 1, 2000),
        o.number("spawnDistance", 3000, 500, 20000),
        o.number("missileSpeed", 250, 50, 1500),
        o.number("targetWeave", 10, 0, 45),
        o.number("windMax", 15, 0, 100),
        o.number("radarNoise", 30, 0, 500),
        o.number("fuelSeconds", 8, 0.1, 120),
        o.number("maxLateralAccel", 80, 1, 500));
  }
}

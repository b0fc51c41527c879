package dev.ratchet.api.environment;

import java.util.List;

/**
 * The intercept environment's {@code environment.options}. At their defaults the task is easy:
 * proportional navigation hits every time and a random policy about one time in six. The last five
 * make it as hard as the engagement Ratchet's report described (proportional navigation about half
 * the time, a random policy almost never; {@code examples/intercept-hard.yaml} has settings
 * measured so): radar fixes that go missing, radar noise that grows with range, hard random jinks
 * of the missile and a launcher laid less precisely, together with a smaller {@code
 * interceptRadius}, a farther {@code spawnDistance} and a more agile interceptor. At their defaults
 * they change nothing: the engagements are exactly those of before the options existed.
 *
 * @param interceptRadius miss distance (m) under which the missile counts as intercepted
 * @param spawnDistance mean distance (m) of the missile from the launcher at the start (±10%)
 * @param missileSpeed mean airspeed (m/s) of the missile (±10%)
 * @param targetWeave largest amplitude (degrees) of the missile's sinusoidal heading weave
 * @param windMax largest wind speed (m/s); each episode draws one constant wind
 * @param radarNoise standard deviation (m, per axis) of the radar's position measurements
 * @param fuelSeconds seconds of thrust in the tank
 * @param maxLateralAccel the largest lateral acceleration command (m/s²)
 * @param radarDropout probability that a radar fix (one every 0.1 s) is missing; the track then
 *     coasts on its prediction (default 0: never)
 * @param radarNoisePerKm radar noise (m, per axis) added per km of the missile's range from the
 *     radar, on top of {@code radarNoise}; the track weighs each fix by its noise (default 0)
 * @param jinkRate chance per second that the missile starts a hard jink, checked every 0.1 s while
 *     it is not in one: a turn to a random side at {@code jinkAccel} for 0.5–1.5 s, then back onto
 *     its course at the same acceleration, at most 90° off it (default 0: no jinks)
 * @param jinkAccel lateral acceleration (m/s²) of a jink and of the turn back; it matters only when
 *     {@code jinkRate} is above 0 (default 100, about 10 g)
 * @param launchError largest laying error (degrees) of the launcher, which points the interceptor
 *     at the first radar fix give or take up to this much (default 30)
 */
public record InterceptOptions(
    double interceptRadius,
    double spawnDistance,
    double missileSpeed,
    double targetWeave,
    double windMax,
    double radarNoise,
    double fuelSeconds,
    double maxLateralAccel,
    double radarDropout,
    double radarNoisePerKm,
    double jinkRate,
    double jinkAccel,
    double launchError) {

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
          "maxLateralAccel",
          "radarDropout",
          "radarNoisePerKm",
          "jinkRate",
          "jinkAccel",
          "launchError");

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
        o.number("maxLateralAccel", 80, 1, 500),
        o.number("radarDropout", 0, 0, 0.95),
        o.number("radarNoisePerKm", 0, 0, 200),
        o.number("jinkRate", 0, 0, 2),
        o.number("jinkAccel", 100, 1, 1000),
        o.number("launchError", 30, 0, 180));
  }
}

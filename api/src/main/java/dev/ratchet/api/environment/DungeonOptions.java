package dev.ratchet.api.environment;

import java.util.List;

/**
 * The dungeon's {@code environment.options}.
 *
 * @param width map columns
 * @param height map rows
 * @param view side of the egocentric glyph window (odd)
 * @param maxRooms rooms tried per level
 * @param goldPiles gold piles per level
 * @param monsters monsters on level 1; one more every second level below
 * @param hitPoints the hero's maximum (and starting) hit points
 * @param regenEvery steps per hit point regenerated (0: none)
 */
public record DungeonOptions(
    int width,
    int height,
    int view,
    int maxRooms,
    int goldPiles,
    int monsters,
    int hitPoints,
    int regenEvery) {

  /** The keys of {@code environment.options} the dungeon understands. */
  public static final List<String> KEYS =
      List.of(
          "width",
          "height",
          "view",
          "maxRooms",
          "goldPiles",
          "monsters",
          "hitPoints",
          "regenEvery");

  public DungeonOptions {
    if (view % 2 == 0) {
      throw new IllegalArgumentException(
          "environment.options.view (dungeon) must be odd, got " + view);
    }
  }

  /** The defaults of every option. */
  public static DungeonOptions defaults() {
    return from(new EnvOptions("dungeon", null, KEYS));
  }

  /** Reads the options, refusing unknown keys and out-of-range values. */
  public static DungeonOptions from(EnvOptions o) {
    return new DungeonOptions(
        o.integer("width", 30, 20, 80),
        o.integer("height", 15, 10, 40),
        o.integer("view", 7, 3, 21),
        o.integer("maxRooms", 6, 2, 12),
        o.integer("goldPiles", 10, 0, 40),
        o.integer("monsters", 3, 0, 20),
        o.integer("hitPoints", 20, 1, 999),
        o.integer("regenEvery", 10, 0, 1000));
  }
}

package dev.ratchet.api;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A committed file that is generated from the code: tests compare it with what the code generates
 * now, and rewrite it when run with {@code -Dratchet.update-generated=true}.
 */
public record GeneratedFile(Path committed, String updateCommand) {

  /** Property that makes drift tests rewrite the committed files instead of failing. */
  public static final String UPDATE_PROPERTY = "ratchet.update-generated";

  /** Fails with the diff's first differing line and the command that fixes it, or updates. */
  public void assertUpToDate(String generated) throws IOException {
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, generated, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(committed)) {
      fail("%s does not exist. Generate it with: %s", committed.normalize(), updateCommand);
    }
    String current = Files.readString(committed, StandardCharsets.UTF_8);
    if (!current.equals(generated)) {
      fail(
          "%s has drifted from the code (first difference at line %d: committed `%s`, generated"
              + " `%s`). Regenerate it with: %s",
          committed.normalize(),
          firstDifferentLine(current, generated) + 1,
          lineAt(current, firstDifferentLine(current, generated)),
          lineAt(generated, firstDifferentLine(current, generated)),
          updateCommand);
    }
  }

  private static int firstDifferentLine(String a, String b) {
    String[] left = a.split("\n", -1);
    String[] right = b.split("\n", -1);
    int i = 0;
    while (i < left.length && i < right.length && left[i].equals(right[i])) {
      i++;
    }
    return i;
  }

  private static String lineAt(String text, int index) {
    String[] lines = text.split("\n", -1);
    return index < lines.length ? lines[index].strip() : "<end of file>";
  }
}

package dev.ratchet.cli.runs;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A command suggested to the user, written so that it can be pasted into a shell as it is. */
final class CommandWords {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private CommandWords() {}

  /** The words joined by spaces, each single-quoted when the shell would split or expand it. */
  static String join(List<String> words) {
    return words.stream()
        .map(w -> PLAIN.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }
}

package dev.ratchet.cli.runs;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --every N} of {@code ratchet report} and {@code ratchet compare}: a table per N-episode
 * segment. A wrong N is refused while parsing, a usage mistake (exit 2) named after its option.
 */
public final class SegmentOption {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private Integer every;

  @Option(
      names = "--every",
      paramLabel = "N",
      description =
          "Add a table of the figures of every N episodes (1–N, N+1–2N…), for each run: score"
              + " mean, std and max, success rate, alpha entropy mean with a router.")
  void every(int n) {
    if (n < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--every takes the episodes per segment, 1 or more (e.g. --every 500), not " + n);
    }
    every = n;
  }

  /** Episodes per row of the segment table, or null for none. */
  Integer every() {
    return every;
  }
}

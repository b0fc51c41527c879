package dev.ratchet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line's help and its answers to usage mistakes: whole sentences, one line per mistake
 * naming the option and the fix, and never a stack trace.
 */
class UsageTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(CommandLine cli, String... args) {
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private int run(String... args) {
    return run(RatchetCommand.newCommandLine(), args);
  }

  @Test
  void helpIsAVerbThatShowsTheUsageOfTheCommandOrOfAVerb() {
    assertThat(run("help")).isZero();
    assertThat(out.toString())
        .startsWith("Usage: ratchet [-hV] [COMMAND]")
        .contains("status")
        .contains("help");
    assertThat(err.toString()).isEmpty();

    assertThat(run("help", "local")).isZero();
    assertThat(out.toString()).contains("Usage: ratchet local [-hV] [COMMAND]");
  }

  @Test
  void localHelpListsItsRunVerbWithAWholeShortSentence() {
    assertThat(run("local", "--help")).isZero();
    assertThat(out.toString())
        .contains("Run TrainingRuns on this machine, without a cluster.")
        .containsPattern(
            "\n  run +Run a TrainingRun on this machine, deciding as the operator would.\n");
  }

  @Test
  void everyDescriptionLineOfEveryCommandAndOptionIsAWholeSentence() {
    List<String> lines = new ArrayList<>();
    collectDescriptions(RatchetCommand.newCommandLine(), lines);
    assertThat(lines).hasSizeGreaterThan(20);
    assertThat(lines).allSatisfy(line -> assertThat(line).matches("[A-Z0-9\"'`.(].*[.?)!]"));
  }

  private static void collectDescriptions(CommandLine command, List<String> lines) {
    lines.addAll(List.of(command.getCommandSpec().usageMessage().description()));
    command.getCommandSpec().options().stream()
        .filter(o -> !o.usageHelp() && !o.versionHelp())
        .forEach(o -> lines.addAll(List.of(o.description())));
    command.getSubcommands().values().stream()
        .filter(sub -> !sub.getCommandName().equals("help"))
        .forEach(sub -> collectDescriptions(sub, lines));
  }

  @Test
  void aPortOutOfRangeIsBadInputNamingTheOptionAndTheRange() {
    int exit = run("local", "run", "x.yaml", "--port", "99999");

    assertThat(exit).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .isEqualTo(
            "ratchet: Invalid value for option '--port': '99999' is not a port: pass a number"
                + " from 1 to 65535 (see ratchet local run --help)"
                + System.lineSeparator());
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aPortThatIsNotANumberIsOneLineWithTheUsageHint() {
    int exit = run("local", "run", "x.yaml", "--port", "abc");

    assertThat(exit).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .isEqualTo(
            "ratchet: Invalid value for option '--port': 'abc' is not a port: pass a number"
                + " from 1 to 65535 (see ratchet local run --help)"
                + System.lineSeparator());
  }

  @Test
  void aValueOfTheWrongTypeForAnyOptionIsOneLineWithTheUsageHint() {
    int exit = run("local", "run", "x.yaml", "--metrics-linger", "soon");

    assertThat(exit).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(err.toString().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("ratchet: Invalid value for option '--metrics-linger'")
                    .endsWith("(see ratchet local run --help)"));
  }

  @Test
  void aMistypedVerbIsAnsweredWithTheNearestVerb() {
    int exit = run("statsu", "x");

    assertThat(exit).isEqualTo(RatchetCommand.EXIT_BAD_INPUT);
    assertThat(err.toString())
        .startsWith("ratchet: Unmatched arguments from index 0: 'statsu', 'x'; did you mean status")
        .endsWith("(see ratchet --help)" + System.lineSeparator());
  }

  /** A verb that fails as a bug would, to see how the command line reports it. */
  @Command(name = "broken")
  static final class BrokenVerb implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("the sky fell");
    }
  }

  @Test
  void anUnexpectedErrorIsOneLineWithoutAStackTrace() {
    CommandLine cli = RatchetCommand.newCommandLine().addSubcommand(new BrokenVerb());

    int exit = run(cli, "broken");

    assertThat(exit).isEqualTo(RatchetCommand.EXIT_FAILURE);
    assertThat(err.toString())
        .isEqualTo(
            "ratchet: ratchet broken failed unexpectedly: the sky fell (set RATCHET_DEBUG=1 for"
                + " the stack trace)"
                + System.lineSeparator());
  }
}

package dev.ratchet.cli;

import dev.ratchet.cli.local.LocalCommand;
import dev.ratchet.cli.runs.CheckpointsCommand;
import dev.ratchet.cli.runs.EvaluateCommand;
import dev.ratchet.cli.runs.ReportCommand;
import dev.ratchet.cli.runs.RollbackCommand;
import dev.ratchet.cli.runs.StatusCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ratchet} command line (and the {@code kubectl ratchet} plugin): validation, the local
 * mode, and the verbs on a run in a cluster or a workdir.
 */
@Command(
    name = "ratchet",
    mixinStandardHelpOptions = true,
    version = "ratchet 0.1.0",
    description = "Supervise reinforcement-learning training runs.",
    subcommands = {
      HelpCommand.class,
      ValidateCommand.class,
      LocalCommand.class,
      StatusCommand.class,
      CheckpointsCommand.class,
      RollbackCommand.class,
      ReportCommand.class,
      EvaluateCommand.class
    })
public final class RatchetCommand implements Runnable {

  /** Exit code for bad input: an invalid file, a busy port, an unwritable folder. */
  public static final int EXIT_BAD_INPUT = 2;

  /** Exit code when the command could not do its work for a reason other than its input. */
  public static final int EXIT_FAILURE = 1;

  /** Set to any value, prints the stack trace of an unexpected error (for developers). */
  static final String DEBUG_ENV = "RATCHET_DEBUG";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Path currentDirectory;

  private RatchetCommand(Path currentDirectory) {
    this.currentDirectory = currentDirectory;
  }

  /**
   * Where relative paths the user did not type are taken from: the local workdir a hint points at,
   * the default folder of a report.
   */
  public Path currentDirectory() {
    return currentDirectory;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /**
   * A command line that answers a usage mistake (an unknown verb, {@code --port abc}) with one line
   * and exit code {@link #EXIT_BAD_INPUT}, and an unexpected error with one line and {@link
   * #EXIT_FAILURE}: never a stack trace, unless {@value #DEBUG_ENV} is set.
   */
  public static CommandLine newCommandLine() {
    return newCommandLine(Path.of(""));
  }

  /** The same, with relative defaults taken from {@code currentDirectory} (for tests). */
  public static CommandLine newCommandLine(Path currentDirectory) {
    return new CommandLine(new RatchetCommand(currentDirectory))
        .setExitCodeExceptionMapper(e -> EXIT_BAD_INPUT)
        .setParameterExceptionHandler(RatchetCommand::badUsage)
        .setExecutionExceptionHandler(RatchetCommand::unexpected);
  }

  /** What was wrong, picocli's suggestions for a mistyped word, and where the usage is. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String suggestions =
        e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
            ? "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?"
            : "";
    command
        .getErr()
        .println(
            "ratchet: "
                + e.getMessage()
                + suggestions
                + " (see "
                + command.getCommandSpec().qualifiedName()
                + " --help)");
    command.getErr().flush();
    return EXIT_BAD_INPUT;
  }

  private static int unexpected(Exception e, CommandLine command, ParseResult parsed) {
    var err = command.getErr();
    err.println(
        "ratchet: "
            + command.getCommandSpec().qualifiedName()
            + " failed unexpectedly: "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
            + " (set "
            + DEBUG_ENV
            + "=1 for the stack trace)");
    if (System.getenv(DEBUG_ENV) != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_FAILURE;
  }
}

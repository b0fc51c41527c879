package dev.ratchet.cli;

import dev.ratchet.cli.local.LocalCommand;
import dev.ratchet.cli.runs.CheckpointsCommand;
import dev.ratchet.cli.runs.ReportCommand;
import dev.ratchet.cli.runs.RollbackCommand;
import dev.ratchet.cli.runs.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      ValidateCommand.class,
      LocalCommand.class,
      StatusCommand.class,
      CheckpointsCommand.class,
      RollbackCommand.class,
      ReportCommand.class
    })
public final class RatchetCommand implements Runnable {

  /** Exit code for bad input: an invalid file, a busy port, an unwritable folder. */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** A command line whose usage errors exit with {@link #EXIT_BAD_INPUT}. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new RatchetCommand())
        .setExitCodeExceptionMapper(e -> EXIT_BAD_INPUT)
        .setParameterExceptionHandler(
            (e, args) -> {
              e.getCommandLine().getErr().println("ratchet: " + e.getMessage());
              return EXIT_BAD_INPUT;
            });
  }
}

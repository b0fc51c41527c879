package dev.ratchet.cli.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code ratchet local}: the local mode's verbs. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run TrainingRuns on this machine, without a cluster.",
    subcommands = {HelpCommand.class, LocalRunCommand.class})
public final class LocalCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.ratchet.cli.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ratchet local}: the local mode's verbs. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run TrainingRuns on this machine, without a cluster.",
    subcommands = {LocalRunCommand.class})
public final class LocalCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

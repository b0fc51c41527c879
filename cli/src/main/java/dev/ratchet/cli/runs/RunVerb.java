package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.local.LocalPlatform;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * A verb on one named run, read from a cluster or a workdir; a problem ends it with one line on
 * stderr and exit code 1. When the cluster cannot give the run (none configured, out of reach, no
 * such run there) and the default local workdir holds a run of that name, a second line gives the
 * same command with {@code --workdir}.
 */
abstract class RunVerb implements Callable<Integer> {

  /** Exit code when the run or its storage cannot be read or changed. */
  static final int EXIT_UNAVAILABLE = RatchetCommand.EXIT_FAILURE;

  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the TrainingRun.")
  String name;

  @Mixin RunSourceOptions source;

  @Spec CommandSpec spec;

  @ParentCommand RatchetCommand ratchet;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RunSource runs;
    try {
      runs = source.open(currentDirectory());
    } catch (RunSourceException | RuntimeException e) {
      return unavailable(err, e, true);
    }
    try (runs) {
      TrainingRun run;
      try {
        run = runs.read(name);
      } catch (RunSourceException | RuntimeException e) {
        return unavailable(err, e, true);
      }
      return run(runs, run, out);
    } catch (RunSourceException | RuntimeException e) {
      // The verb's own refusal, or a storage client's failure while it reads the run's files.
      return unavailable(err, e, false);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Carries the verb out on the run. */
  abstract int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException;

  /** Where relative paths the user did not type are taken from (the current directory). */
  Path currentDirectory() {
    return ratchet == null ? Path.of("") : ratchet.currentDirectory();
  }

  private int unavailable(PrintWriter err, Exception e, boolean runNotRead) {
    err.println(
        "ratchet: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    if (runNotRead && source.cluster()) {
      Path localRun =
          currentDirectory()
              .resolve(RunSourceOptions.DEFAULT_LOCAL_WORKDIR)
              .resolve(name)
              .resolve(LocalPlatform.RUN_FILE);
      if (Files.isRegularFile(localRun)) {
        err.println(
            "ratchet: "
                + RunSourceOptions.DEFAULT_LOCAL_WORKDIR
                + " holds a local run "
                + name
                + ": "
                + commandWithWorkdir(RunSourceOptions.DEFAULT_LOCAL_WORKDIR));
      }
    }
    err.flush();
    return EXIT_UNAVAILABLE;
  }

  /** The command the user ran, reading the run from {@code workdir} instead of a cluster. */
  private String commandWithWorkdir(String workdir) {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> words = new ArrayList<>(List.of("ratchet", spec.name()));
    for (ArgSpec positional : parsed.matchedPositionals()) {
      words.addAll(positional.originalStringValues());
    }
    for (OptionSpec option : parsed.matchedOptions()) {
      if (RunSourceOptions.clusterOnly(option.longestName())) {
        continue;
      }
      if (option.arity().max() == 0) {
        words.add(option.longestName());
      }
      for (String value : option.originalStringValues()) {
        words.addAll(List.of(option.longestName(), value));
      }
    }
    words.addAll(List.of("--workdir", workdir));
    return CommandWords.join(words);
  }
}

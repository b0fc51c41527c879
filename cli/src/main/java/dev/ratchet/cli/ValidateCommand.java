package dev.ratchet.cli;

import dev.ratchet.core.validation.TrainingRunReader;
import dev.ratchet.core.validation.Violation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ratchet validate FILE...}: the checks a cluster and Ratchet apply, without a cluster. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check TrainingRun files against the CRD schema and Ratchet's cross-field rules.",
      "Exits 0 when every file is valid, 2 otherwise."
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "TrainingRun YAML files.")
  List<Path> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TrainingRunReader reader = new TrainingRunReader();
    boolean allValid = true;
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        err.println(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        allValid = false;
        continue;
      }
      TrainingRunReader.Result result = reader.read(text);
      if (result.valid()) {
        out.println(file + ": valid TrainingRun " + result.run().getMetadata().getName());
      } else {
        allValid = false;
        for (Violation violation : result.violations()) {
          err.println(file + ": " + violation);
        }
      }
    }
    out.flush();
    err.flush();
    return allValid ? 0 : RatchetCommand.EXIT_BAD_INPUT;
  }
}

package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import dev.ratchet.cli.RatchetCommand;
import dev.ratchet.cli.report.CompareWriter;
import dev.ratchet.cli.report.ReportInput;
import dev.ratchet.cli.report.SpecSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ratchet compare RUN… [-l SELECTOR] --out DIR}: one report of several runs side by side,
 * read from a cluster or a workdir like the other verbs; the runs named, and those whose labels
 * match the selector, each once.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description =
        "Write one report.md with PNG charts comparing runs side by side: what their specs"
            + " differ in, score and alpha entropy curves on shared axes, the phase tables in one,"
            + " best checkpoints, evaluations, rollbacks and wall time.")
public final class CompareCommand implements Callable<Integer> {

  @Parameters(
      arity = "0..*",
      paramLabel = "RUN",
      description = "Names of the TrainingRuns to compare, in the order their rows come.")
  List<String> names = new ArrayList<>();

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description =
          "Also compare the runs whose labels match, as kubectl -l takes it (metadata.labels in"
              + " a workdir): key=value, key!=value, key or !key, comma-separated.")
  String selector;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write report.md and the charts to, relative to the current one.")
  Path outDir;

  @Mixin SegmentOption segments;

  @Mixin RunSourceOptions source;

  @Spec CommandSpec spec;

  @ParentCommand RatchetCommand ratchet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (names.isEmpty() && selector == null) {
      throw new ParameterException(
          spec.commandLine(),
          "name the runs to compare (ratchet compare RUN RUN … --out DIR) or choose them by label"
              + " with -l, e.g. -l experiment=lr-sweep");
    }
    try (RunSource runs = source.open(currentDirectory())) {
      List<TrainingRun> chosen = choose(runs);
      List<ReportInput> inputs = new ArrayList<>();
      List<Map<String, String>> settings = new ArrayList<>();
      for (TrainingRun run : chosen) {
        inputs.add(ReportCommand.input(runs, run));
        settings.add(SpecSettings.of(run.getSpec()));
      }
      Path dir = currentDirectory().resolve(outDir);
      Path report;
      try {
        report = CompareWriter.write(inputs, settings, dir, segments.every());
      } catch (IOException e) {
        throw new RunSourceException(
            "cannot write the comparison to " + dir + ": " + e.getMessage());
      }
      out.println(
          "Comparison of "
              + String.join(", ", chosen.stream().map(r -> r.getMetadata().getName()).toList())
              + ": "
              + report);
      return 0;
    } catch (RunSourceException | RuntimeException e) {
      err.println(
          "ratchet: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
      return RatchetCommand.EXIT_FAILURE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The runs named, in their order, then those the selector matches, by name; each once. Fewer than
   * two is refused: there would be nothing to compare.
   */
  private List<TrainingRun> choose(RunSource runs) throws RunSourceException {
    Map<String, TrainingRun> chosen = new LinkedHashMap<>();
    for (String name : names) {
      chosen.putIfAbsent(name, runs.read(name));
    }
    if (selector != null) {
      for (TrainingRun run : runs.list(selector)) {
        chosen.putIfAbsent(run.getMetadata().getName(), run);
      }
    }
    if (chosen.size() < 2) {
      throw new RunSourceException(
          "compare needs two runs or more, and "
              + (chosen.isEmpty() ? "none" : "only " + String.join(", ", chosen.keySet()))
              + (selector == null ? " was named" : " matched -l " + selector)
              + " in "
              + runs.where()
              + ": name more runs, or label them (metadata.labels) and choose them with -l");
    }
    return List.copyOf(chosen.values());
  }

  /** Where relative paths are taken from (the current directory). */
  private Path currentDirectory() {
    return ratchet == null ? Path.of("") : ratchet.currentDirectory();
  }
}

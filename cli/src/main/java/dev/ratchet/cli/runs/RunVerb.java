package dev.ratchet.cli.runs;

import dev.ratchet.api.v1alpha1.TrainingRun;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A verb on one named run, read from a cluster or a workdir; a problem ends it with one line on
 * stderr and exit code 1.
 */
abstract class RunVerb implements Callable<Integer> {

  /** Exit code when the run or its storage cannot be read or changed. */
  static final int EXIT_UNAVAILABLE = 1;

  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the TrainingRun.")
  String name;

  @Mixin RunSourceOptions source;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (RunSource runs = source.open()) {
      return run(runs, runs.read(name), out);
    } catch (RunSourceException e) {
      err.println("ratchet: " + e.getMessage());
      return EXIT_UNAVAILABLE;
    } catch (RuntimeException e) {
      // The Kubernetes client fails this way without a kubeconfig or a reachable cluster.
      err.println("ratchet: " + e.getMessage());
      return EXIT_UNAVAILABLE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Carries the verb out on the run. */
  abstract int run(RunSource runs, TrainingRun run, PrintWriter out) throws RunSourceException;
}

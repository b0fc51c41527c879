package dev.ratchet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's first hour, replayed with the real {@code bin/ratchet}: the commands of the README
 * and the user guide that need no cluster, taken from the Markdown itself (a doc edit that breaks
 * one fails here), a Ctrl-C and a re-run, a re-run of an ended run, and the run verbs without
 * {@code --workdir} on a machine with no cluster.
 */
class NewcomerSessionTest {

  private static final Pattern OPTIONAL = Pattern.compile("\\s*\\[[^\\]]*\\]");
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path home;

  @Test
  void theReadmesAndTheGuidesLocalCommandsRunAsWritten() throws Exception {
    Path dir = newcomersFolder();
    List<String> readme = commands(Artifacts.ROOT.resolve("README.md"));
    // The README's first two lines: the main job, then the test command CI runs.
    assertThat(readme.get(0)).isEqualTo("bin/ratchet local run examples/cartpole-quickstart.yaml");
    assertThat(readme.get(1)).isEqualTo("./mvnw -B verify");
    assertThat(Files.readString(Artifacts.ROOT.resolve(".ci/run"))).contains(readme.get(1));
    // The guide's validation example, as the guide describes the file.
    Files.writeString(
        dir.resolve("my-run.yaml"),
        Files.readString(Artifacts.ROOT.resolve("examples/cartpole-divergence-demo.yaml"))
            .replace("learningRate: 0.001", "learningrate: 0.001")
            .replace("until: {episode: 900}", "until: {episode: 500}"));

    List<String> session = new ArrayList<>();
    readme.stream().filter(c -> c.startsWith("bin/ratchet ")).forEach(session::add);
    Path guide = Artifacts.ROOT.resolve("docs/user-guide.md");
    commands(guide).stream().filter(c -> c.startsWith("bin/ratchet ")).forEach(session::add);
    assertThat(session).as("commands found in the docs").hasSizeGreaterThanOrEqualTo(8);

    boolean trained = false;
    for (String command : session) {
      long start = System.nanoTime();
      Result r = run(dir, command);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("newcomer: %-75s exit %d, %.1f s%n", command, r.exit(), seconds);
      assertThat(r.output())
          .as(command)
          .doesNotContain("Exception")
          .doesNotContain("\tat ")
          .doesNotContain("SLF4J")
          .doesNotContain("WARN")
          .doesNotContain("building the command line");
      String verb = command.split(" ")[1];
      if (command.startsWith("bin/ratchet local run examples/cartpole-quickstart.yaml")) {
        assertThat(r.exit()).as(r.output()).isZero();
        String last = lastLine(r.output());
        if (!trained) {
          assertThat(last)
              .startsWith("Run cartpole-quickstart Succeeded: ")
              .contains("The best checkpoint is ep-")
              .endsWith("Report: .ratchet/cartpole-quickstart/report/report.md.");
          assertThat(dir.resolve(".ratchet/cartpole-quickstart/report/score.png")).isRegularFile();
          System.out.printf("newcomer: the quickstart trained to its goal in %.0f s%n", seconds);
          trained = true;
        } else {
          // the same command again on an ended run says so, and how to train afresh
          assertThat(r.output())
              .contains("Run cartpole-quickstart had already ended (Succeeded)")
              .contains("another --workdir");
          assertThat(last).startsWith("Run cartpole-quickstart Succeeded: ");
        }
      } else if (verb.equals("validate") && command.contains("my-run.yaml")) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output().strip()).isEqualTo(blockAfter(guide, command));
      } else if (verb.equals("validate")) {
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("examples/cartpole-quickstart.yaml: valid TrainingRun");
      } else if (verb.equals("rollback")) {
        // the guide: rollback refuses a run that has ended
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("has ended (Succeeded)");
      } else {
        assertThat(r.exit()).as(command + "\n" + r.output()).isZero();
        if (verb.equals("status")) {
          assertThat(r.output()).contains("State:      Succeeded: ");
        } else if (verb.equals("checkpoints")) {
          assertThat(r.output()).contains("best");
        } else if (verb.equals("report")) {
          assertThat(r.output()).contains(".ratchet/cartpole-quickstart/report/report.md");
        }
      }
    }
    assertThat(trained).as("the docs train the quickstart").isTrue();
  }

  @Test
  void theRunVerbsWithoutAClusterAnswerAtOnceAndPointToTheLocalWorkdir() throws Exception {
    Path dir = newcomersFolder();
    Path run = dir.resolve(".ratchet/cartpole-quickstart");
    Files.createDirectories(run);
    Files.copy(
        Artifacts.ROOT.resolve("examples/cartpole-quickstart.yaml"),
        run.resolve("trainingrun.yaml"));
    for (String verb : List.of("status", "checkpoints", "report", "rollback")) {
      long start = System.nanoTime();
      Result r = run(dir, "bin/ratchet " + verb + " cartpole-quickstart");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf(
          "newcomer: %s without --workdir answered in %d ms%n", verb, took.toMillis());
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.output())
          .contains("no Kubernetes cluster to ask")
          .contains("ratchet " + verb + " cartpole-quickstart --workdir .ratchet")
          .doesNotContain("WARN")
          .doesNotContain("\tat ");
      assertThat(took).as(verb).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void ctrlCWritesTheReportAndTheFinalLineAndTheSameCommandResumes() throws Exception {
    Path dir = newcomersFolder();
    String command = "bin/ratchet local run examples/intercept-lstm.yaml --port 0";
    command = command.replace("--port 0", "--port " + Artifacts.freePort());
    for (int attempt = 1; attempt <= 2; attempt++) {
      Path log = home.resolve("ctrl-c-" + attempt + ".log");
      // A terminal's Ctrl-C: SIGINT to the command's process group (ratchet and its trainer),
      // which `setsid` makes its own; `env --default-signal` undoes an inherited "ignore SIGINT".
      try (ChildProcess p =
          ChildProcess.start(
              "ratchet",
              List.of("setsid", "env", "--default-signal=INT", "bash", "-c", command),
              dir,
              environment(),
              log)) {
        // a checkpoint committed by this attempt: its trainer is past loading and training
        awaitOutput(p, "» Started:", "» CheckpointCommitted:");
        new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor();
        p.waitFor(Duration.ofMinutes(2));
        String out = p.output();
        if (attempt == 2) {
          assertThat(out).contains("» Resumed: Resumed from the latest checkpoint.");
        }
        assertThat(out)
            .contains("» Suspended: The trainer writes a preempt checkpoint and stops (Ctrl-C).")
            .contains("(PREEMPT) committed");
        assertThat(lastLine(out))
            .startsWith(
                "Run intercept-lstm: Suspended (Ctrl-C); run the same command again to resume")
            .endsWith("Report: .ratchet/intercept-lstm/report/report.md.");
        assertThat(dir.resolve(".ratchet/intercept-lstm/report/report.md")).isRegularFile();
      }
    }
    Result status = run(dir, "bin/ratchet status intercept-lstm --workdir .ratchet");
    assertThat(status.output())
        .contains("State:      Suspended (Ctrl-C); run the same command again")
        .doesNotContain("ETA:")
        .contains("resumed from ep-");
  }

  /** An empty folder with the checkout's {@code bin/} and {@code examples/}, as in a clone. */
  private Path newcomersFolder() throws IOException {
    Path dir = Files.createDirectories(home.resolve("clone"));
    Files.createSymbolicLink(dir.resolve("bin"), Artifacts.ROOT.resolve("bin"));
    Files.createSymbolicLink(dir.resolve("examples"), Artifacts.ROOT.resolve("examples"));
    return dir;
  }

  /** No cluster: no kubeconfig in HOME, no KUBECONFIG, no in-cluster variables. */
  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("KUBECONFIG", null);
    env.put("KUBERNETES_MASTER", null);
    env.put("KUBERNETES_SERVICE_HOST", null);
    return env;
  }

  private record Result(int exit, String output) {}

  private Result run(Path dir, String command) throws Exception {
    Path log = Files.createTempFile(home, "command", ".log");
    try (ChildProcess p =
        ChildProcess.start(
            "bash -c " + command, List.of("bash", "-c", command), dir, environment(), log)) {
      return new Result(p.waitFor(COMMAND_TIMEOUT), p.output());
    }
  }

  /** Waits until {@code text} appears after {@code after} in the output. */
  private static void awaitOutput(ChildProcess p, String after, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      String out = p.output();
      int from = out.indexOf(after);
      if (from >= 0 && out.indexOf(text, from) >= 0) {
        return;
      }
      assertThat(p.alive()).as("still running, waiting for " + text + "\n" + p.tail(30)).isTrue();
      assertThat(System.nanoTime())
          .as("waiting for " + text + "\n" + p.tail(30))
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String lastLine(String output) {
    return output.strip().lines().reduce((a, b) -> b).orElse("");
  }

  /** The shell commands of a Markdown file's bash blocks: comments and [optional] parts removed. */
  static List<String> commands(Path markdown) throws IOException {
    List<String> commands = new ArrayList<>();
    boolean inBash = false;
    for (String line : Files.readAllLines(markdown)) {
      if (line.startsWith("```")) {
        inBash = !inBash && line.equals("```bash");
        continue;
      }
      if (inBash) {
        String command = OPTIONAL.matcher(line.replaceAll("\\s+#.*$", "")).replaceAll("").strip();
        if (!command.isEmpty()) {
          commands.add(command);
        }
      }
    }
    return commands;
  }

  /** The plain block that follows the bash block holding {@code command}: its shown output. */
  private static String blockAfter(Path markdown, String command) throws IOException {
    String text = Files.readString(markdown);
    int at = text.indexOf(command);
    int open = text.indexOf("\n```\n", text.indexOf("```", at) + 3);
    int close = text.indexOf("\n```", open + 5);
    return text.substring(open + 5, close).strip();
  }
}

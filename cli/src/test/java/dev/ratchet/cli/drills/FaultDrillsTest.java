package dev.ratchet.cli.drills;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import dev.ratchet.core.storage.S3CheckpointStore;
import dev.ratchet.s3.EmbeddedS3Server;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drills through the real parts — local mode's supervisor loop, real trainer processes, the
 * embedded S3 server — each printing its figures (collected in docs/reliability.md): storage gone
 * for a minute, a committed checkpoint corrupted at the same size, a trainer stopped with SIGSTOP,
 * NaN from the environment until the rollbacks run out, and foreign or broken objects under the
 * run's prefix.
 */
class FaultDrillsTest {

  private static final String RUN = "src/test/resources/drill-run.yaml";
  private static final Pattern FAILURES =
      Pattern.compile("ratchet_checkpoint_failures_total\\{[^}]*\\} ([0-9.]+)");

  @TempDir Path tmp;

  private static void freeze(ProcessHandle p) throws Exception {
    new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor();
  }

  private static double checkpointFailures(int trainerPort) {
    try {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + trainerPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = FAILURES.matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void storageGoneForAMinuteIsRiddenOutWithoutARestart() throws Exception {
    // An end no machine reaches during the outage (a fast one trains 11,000 episodes a minute):
    // the drill stops the run itself once checkpoints are committed again.
    try (DrillRun r =
        DrillRun.start(tmp, RUN, run -> run.getSpec().phases.get(0).until.episode = 10_000_000L)) {
      DrillRun.await("two checkpoints", r::committed, c -> c.size() >= 2, Duration.ofMinutes(2));
      long before = r.progress().orElseThrow().episode();
      int committedBefore = r.committed().size();
      r.stopStorage();
      Instant stopped = Instant.now();
      double failures = 0;
      long during = before;
      while (Duration.between(stopped, Instant.now()).toSeconds() < 60) {
        Thread.sleep(1000);
        ProgressReport p = r.progress().orElseThrow(() -> new AssertionError("trainer gone"));
        during = p.episode();
        failures = Math.max(failures, checkpointFailures(r.trainerPort()));
        assertThat(p.attempt()).as("no restart during the outage").isEqualTo(1);
      }
      // nothing can be committed while storage is down: whatever is new later came after it
      Set<String> committedWhileDown = r.committed().keySet();
      r.startStorage();
      Instant back = Instant.now();
      DrillRun.await(
          "a checkpoint committed after the outage",
          r::committed,
          c -> !committedWhileDown.containsAll(c.keySet()),
          Duration.ofMinutes(2));
      long committedAgainAfter = Duration.between(back, Instant.now()).toSeconds();
      r.stop(); // as Ctrl-C: a preempt checkpoint, then Suspended
      TrainingRunStatus end = r.finish(Duration.ofMinutes(2));
      Map<String, DrillRun.Committed> committed = r.committed();
      // every committed checkpoint is whole: its files match the manifest's sha256
      S3CheckpointStore store =
          new S3CheckpointStore(
              MinioClient.builder()
                  .endpoint(r.storageEndpoint())
                  .credentials(EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY)
                  .region("us-east-1")
                  .build(),
              "ratchet-checkpoints",
              "drills",
              "local",
              r.name());
      List<String> broken = new ArrayList<>();
      for (String id : committed.keySet()) {
        String problem = store.verify(id);
        if (problem != null) {
          broken.add(id + ": " + problem);
        }
      }
      System.out.printf(
          "storage outage drill: storage stopped %d s at episode %d; the trainer trained on to"
              + " episode %d (+%d) and counted %.0f failed checkpoint upload(s); %d checkpoints"
              + " committed before, %d at the end, %d of them broken; run %s at episode %d with %d"
              + " restart(s), checkpoints committed again %d s after storage came back%n",
          60,
          before,
          during,
          during - before,
          failures,
          committedBefore,
          committed.size(),
          broken.size(),
          end.state.label(),
          end.episode,
          end.restarts,
          committedAgainAfter);
      assertThat(during - before).as("episodes trained during the outage").isGreaterThan(100);
      assertThat(failures).as("failed uploads counted by the trainer").isPositive();
      assertThat(end.state).as(r.out.toString()).isEqualTo(RunState.SUSPENDED);
      assertThat(end.restarts).isZero();
      assertThat(end.attempt).isEqualTo(1);
      assertThat(broken).isEmpty();
      assertThat(r.out.toString()).contains("» StorageUnavailable:").contains("» StorageBack:");
    }
  }

  @Test
  void aCheckpointCorruptedAtTheSameSizeIsRefusedAndTheRunResumesFromTheOneBefore()
      throws Exception {
    try (DrillRun r = DrillRun.start(tmp, RUN, run -> {})) {
      DrillRun.await("four checkpoints", r::committed, c -> c.size() >= 4, Duration.ofMinutes(2));
      ProcessHandle trainer = r.trainer().orElseThrow();
      freeze(trainer); // nothing new is committed while the newest is corrupted
      List<String> ids = new ArrayList<>(r.committed().keySet());
      String newest = ids.get(ids.size() - 1);
      String before = ids.get(ids.size() - 2);
      Path params = r.checkpointsDir().resolve(newest).resolve("parameters.bin");
      byte[] bytes = Files.readAllBytes(params);
      for (int i = 8; i < 40; i++) {
        bytes[i] ^= 0x5A; // flip bits, same size: only the sha256 tells
      }
      Files.write(params, bytes);
      long size = Files.size(params);
      trainer.destroyForcibly();
      trainer.onExit().get(30, TimeUnit.SECONDS);

      TrainingRunStatus third =
          DrillRun.await(
              "attempt 3",
              r::status,
              s -> s.currentAttempt != null && s.currentAttempt.number == 3,
              Duration.ofMinutes(2));
      TrainingRunStatus end = r.finish(Duration.ofMinutes(8));
      System.out.printf(
          "corruption drill: %s corrupted at the same size (%d bytes); attempt 2 resumed from it"
              + " and was refused (crashes %s); attempt 3 resumed from %s; refused: %s; run %s at"
              + " episode %d with %d restarts%n",
          newest,
          size,
          end.watch.crashes,
          third.currentAttempt.resumeFrom,
          end.watch.refusedCheckpoints,
          end.state.label(),
          end.episode,
          end.restarts);
      assertThat(third.currentAttempt.resumeFrom).isEqualTo(before);
      assertThat(end.watch.refusedCheckpoints).containsExactly(newest);
      assertThat(r.out.toString())
          .contains("» CheckpointRejected: Checkpoint " + newest + " was refused by the trainer")
          .contains("sha256");
      assertThat(end.state).as(r.out.toString()).isEqualTo(RunState.SUCCEEDED);
      assertThat(end.restarts).isEqualTo(2); // the kill, then the one refusal
      assertThat(Files.readAllBytes(params)).as("the corrupt checkpoint is kept").isEqualTo(bytes);
    }
  }

  @Test
  void aStoppedTrainerIsFoundStalledKilledAndRestarted() throws Exception {
    try (DrillRun r = DrillRun.start(tmp, RUN, run -> {})) {
      DrillRun.await(
          "the supervisor reading progress",
          r::status,
          s -> s.watch != null && s.watch.progressEpisode != null && s.watch.progressEpisode > 0,
          Duration.ofMinutes(2));
      ProcessHandle trainer = r.trainer().orElseThrow();
      freeze(trainer); // SIGSTOP: alive, silent
      Instant frozen = Instant.now();
      trainer.onExit().get(2, TimeUnit.MINUTES);
      Duration detected = Duration.between(frozen, Instant.now());
      TrainingRunStatus end = r.finish(Duration.ofMinutes(8));
      HistoryEntry restart =
          end.history.stream().filter(h -> h.type == HistoryType.RESTART).findFirst().orElseThrow();
      System.out.printf(
          "stall drill: trainer stopped with SIGSTOP, killed %d s later (stallTimeoutSeconds"
              + " %d): %s; run %s at episode %d with %d restart(s)%n",
          detected.toSeconds(),
          r.run.getSpec().trainer.stallTimeoutSeconds,
          restart.reason,
          end.state.label(),
          end.episode,
          end.restarts);
      assertThat(detected).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
      assertThat(restart.reason).contains("finished no episode for");
      assertThat(r.out.toString()).contains("» Stalled:");
      assertThat(end.state).as(r.out.toString()).isEqualTo(RunState.SUCCEEDED);
      assertThat(end.restarts).isEqualTo(1);
    }
  }

  @Test
  void nanFromTheEnvironmentRollsBackUntilTheRollbacksRunOutThenFailsNamingTheBest()
      throws Exception {
    try (DrillRun r =
        DrillRun.start(
            tmp,
            RUN,
            run -> {
              var spec = run.getSpec();
              spec.environment.options.put(
                  "nanObservationsFromEpisode",
                  com.fasterxml.jackson.databind.node.IntNode.valueOf(300));
              spec.divergence.enabled = true;
              spec.divergence.maxRollbacks = 2;
              spec.divergence.action.learningRateFactor = 1.0;
            })) {
      TrainingRunStatus end = r.finish(Duration.ofMinutes(8));
      List<HistoryEntry> rollbacks =
          end.history.stream().filter(h -> h.type == HistoryType.ROLLBACK).toList();
      String log = Files.readString(r.workdir.resolve("drill/attempt-0001/trainer.log"));
      String firstNan =
          log.lines().filter(l -> l.contains("went NaN/Inf first")).findFirst().orElse("none");
      System.out.printf(
          "non-finite drill: observations NaN from episode 300; rollbacks at episodes %s to %s;"
              + " run %s: %s; trainer log: %s%n",
          rollbacks.stream().map(h -> h.episode).toList(),
          rollbacks.stream().map(h -> h.to).toList(),
          end.state.label(),
          end.message,
          firstNan.strip());
      assertThat(rollbacks).hasSize(2);
      assertThat(rollbacks).allSatisfy(h -> assertThat(h.reason).contains("non-finite"));
      assertThat(rollbacks).allSatisfy(h -> assertThat(h.episode).isBetween(300L, 400L));
      assertThat(end.state).isEqualTo(RunState.FAILED);
      assertThat(end.message)
          .contains("divergence.maxRollbacks = 2")
          .contains(end.bestCheckpoint.id)
          .contains(end.bestCheckpoint.uri);
      assertThat(firstNan).contains("loss term");
    }
  }

  @Test
  void foreignAndBrokenObjectsUnderTheRunsPrefixAreReportedAndLeftAlone() throws Exception {
    try (DrillRun r =
        DrillRun.start(tmp, RUN, run -> run.getSpec().phases.get(0).until.episode = 1500L)) {
      DrillRun.await("a checkpoint", r::committed, c -> !c.isEmpty(), Duration.ofMinutes(2));
      MinioClient s3 =
          MinioClient.builder()
              .endpoint(r.storageEndpoint())
              .credentials(EmbeddedS3Server.ACCESS_KEY, EmbeddedS3Server.SECRET_KEY)
              .region("us-east-1")
              .build();
      String root = "drills/local/drill/";
      Map<String, String> foreign =
          Map.of(
              root + "checkpoints/ep-000009999-a0099/manifest.json", "this is not JSON {",
              root + "checkpoints/ep-000009999-a0099/parameters.bin", "junk",
              root + "checkpoints/backup-of-yesterday/parameters.bin", "someone's copy",
              root + "checkpoints/README.txt", "notes",
              root + "metrics/attempt-0099.jsonl", "{\"episode\": \"many\"}\nnot json\n");
      for (var e : foreign.entrySet()) {
        byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
        s3.putObject(
            PutObjectArgs.builder().bucket("ratchet-checkpoints").object(e.getKey()).stream(
                    new ByteArrayInputStream(b), b.length, -1)
                .build());
      }
      TrainingRunStatus end = r.finish(Duration.ofMinutes(8));
      List<String> missing = new ArrayList<>();
      for (String key : foreign.keySet()) {
        try {
          long size =
              s3.statObject(
                      StatObjectArgs.builder().bucket("ratchet-checkpoints").object(key).build())
                  .size();
          if (size != foreign.get(key).getBytes(StandardCharsets.UTF_8).length) {
            missing.add(key + " changed");
          }
        } catch (Exception e) {
          missing.add(key + " gone");
        }
      }
      String rejected =
          r.out
              .toString()
              .lines()
              .filter(l -> l.contains("CheckpointRejected"))
              .findFirst()
              .orElse("none");
      System.out.printf(
          "foreign objects drill: %d objects put under the run's prefix mid-run; %d changed or"
              + " gone at the end; %s; run %s at episode %d, rejected %s%n",
          foreign.size(),
          missing.size(),
          rejected.strip(),
          end.state.label(),
          end.episode,
          end.watch.rejectedCheckpoints);
      assertThat(missing).isEmpty();
      assertThat(end.watch.rejectedCheckpoints)
          .contains("ep-000009999-a0099", "backup-of-yesterday");
      assertThat(rejected).contains("ep-000009999-a0099");
      assertThat(end.state).as(r.out.toString()).isEqualTo(RunState.SUCCEEDED);
    }
  }
}

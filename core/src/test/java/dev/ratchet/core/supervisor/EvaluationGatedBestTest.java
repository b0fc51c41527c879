package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.BestMetric;
import dev.ratchet.api.v1alpha1.EvaluationSpec;
import dev.ratchet.api.v1alpha1.HistoryEntry;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code checkpoints.best.metric} an evaluation metric, the brain ranks and rolls back by each
 * checkpoint's evaluation, not by the training window; and divergence can watch an evaluation.
 */
class EvaluationGatedBestTest {

  @Test
  void anEvaluationGatedBestPicksTheBetterEvaluationOverTheBetterTrainingWindow() {
    TrainingRunSpec spec = spec();
    // lucky exploration: the higher training window, the worse greedy policy
    CheckpointManifest luckyWindow = manifest(800, 480.0, 310.0);
    CheckpointManifest betterPolicy = manifest(900, 430.0, 495.0);
    CheckpointManifest notEvaluated = manifest(950, 490.0, null);

    spec.checkpoints.best.metric = BestMetric.SCORE_MEAN;
    assertThat(best(spec, luckyWindow, betterPolicy, notEvaluated)).isEqualTo(notEvaluated.id());
    assertThat(best(spec, luckyWindow, betterPolicy)).isEqualTo(luckyWindow.id());

    spec.checkpoints.best.metric = BestMetric.EVAL_SCORE_MEAN;
    assertThat(best(spec, luckyWindow, betterPolicy, notEvaluated)).isEqualTo(betterPolicy.id());

    spec.checkpoints.best.metric = BestMetric.EVAL_SUCCESS_RATE;
    assertThat(best(spec, luckyWindow, betterPolicy, notEvaluated)).isEqualTo(betterPolicy.id());
  }

  @Test
  void aRollbackReturnsToTheBestEvaluatedCheckpointNotTheBestTrainingWindow() {
    TrainingRunSpec spec = spec();
    spec.checkpoints.best.metric = BestMetric.EVAL_SCORE_MEAN;
    long nanAt = 1337;
    // the training window keeps rising to the NaN; the greedy policy peaked at episode 800
    FakePlatform p =
        new FakePlatform(
            spec,
            (long e, TrainerConfig c) ->
                new FakePlatform.Sample(
                    Math.min(500, e / 2.0) + e / 100.0,
                    1,
                    null,
                    0.3,
                    e == nanAt && c.attempt() == 1));
    p.evaluation = (long e, TrainerConfig c) -> evaluated(e);

    p.runUntilFinal(50, 200);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1);
    assertThat(rollbacks.get(0).reason).contains("non-finite");
    assertThat(rollbacks.get(0).to).isEqualTo("ep-000000800-a0001");
    assertThat(FakePlatform.idOf(p.started.get(2).resumeFrom())).isEqualTo("ep-000000800-a0001");
    // status points to it and shows its evaluation
    assertThat(p.status.bestCheckpoint.evalScoreMean).isNotNull();
  }

  @Test
  void divergenceCanWatchTheEvaluationWhileTheTrainingWindowLooksFine() {
    TrainingRunSpec spec = spec();
    spec.checkpoints.best.metric = BestMetric.EVAL_SCORE_MEAN;
    spec.divergence.metric = RunMetric.EVAL_SCORE_MEAN;
    // exploration hides it: the window stays near 480 while the greedy policy falls apart
    FakePlatform p =
        new FakePlatform(
            spec, (long e, TrainerConfig c) -> new FakePlatform.Sample(480, 1, null, 0.3, false));
    p.evaluation =
        (long e, TrainerConfig c) ->
            new FakePlatform.Sample(
                c.attempt() == 1 && e >= 1500 ? 90 : 490, 1, null, 0.3, false, 5, 0.05);

    p.runUntil(s -> s.rollbacks != null && s.rollbacks >= 1);

    assertThat(p.violations).isEmpty();
    List<HistoryEntry> rollbacks = p.history(HistoryType.ROLLBACK);
    assertThat(rollbacks).hasSize(1);
    // judged on the first episode after the checkpoint at 1500 was evaluated
    assertThat(rollbacks.get(0).episode).isEqualTo(1501);
    assertThat(rollbacks.get(0).reason).contains("evalScoreMean");
    assertThat(rollbacks.get(0).to).isEqualTo("ep-000001400-a0001");
  }

  /** Greedy scores that peak at episode 800 (490) and sink after, whatever the training does. */
  private static FakePlatform.Sample evaluated(long episode) {
    double score = 490 - Math.abs(episode - 800) / 4.0;
    return new FakePlatform.Sample(score, score / 500, null, 0.3, false, 5, 0.05);
  }

  private static TrainingRunSpec spec() {
    TrainingRunSpec spec = SafetyNetsTest.spec();
    spec.evaluation = new EvaluationSpec();
    return spec;
  }

  private static String best(TrainingRunSpec spec, CheckpointManifest... manifests) {
    RunContext run = new RunContext("lab", "r", 1L, spec);
    CheckpointCatalog catalog =
        new CheckpointCatalog(
            run, new Observation(null, null, List.of(manifests), List.of()), List.of());
    return catalog.best(spec.checkpoints.best).map(CheckpointManifest::id).orElse(null);
  }

  private static CheckpointManifest manifest(long episode, double window, Double evaluation) {
    String id = String.format("ep-%09d-a0001", episode);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("scoreMean", window);
    metrics.put("rewardMean", window / 500);
    EvaluationResult result = null;
    if (evaluation != null) {
      metrics.put("evalScoreMean", evaluation);
      metrics.put("evalSuccessRate", evaluation / 500);
      result =
          new EvaluationResult(id, episode, 10, true, 43, evaluation, 3, evaluation / 500, 1, 1);
    }
    return new CheckpointManifest(
        CheckpointManifest.FORMAT_VERSION,
        id,
        "lab",
        "r",
        1,
        "train",
        0,
        episode,
        episode * 100,
        CheckpointKind.PERIODIC,
        "2026-01-01T00:00:00Z",
        metrics,
        false,
        List.of(),
        null,
        new CheckpointManifest.Ranking(RunMetric.SCORE_MEAN, 100, window),
        result);
  }
}

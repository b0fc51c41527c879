package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.CheckpointKind;
import dev.ratchet.api.trainer.CheckpointManifest;
import dev.ratchet.api.v1alpha1.BestMetric;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The best checkpoint is ranked on checkpoints.best.metric over checkpoints.best.window. */
class BestRankingTest {

  private final TrainingRunSpec spec = FakePlatform.example("cartpole-quickstart.yaml");

  @Test
  void theBestWindowRanksNotTheDivergenceWindow() {
    spec.checkpoints.best.window = 200;
    // a lucky stretch in the short divergence window, a better long average in the best window
    CheckpointManifest lucky = manifest(100, 480.0, ranking(RunMetric.SCORE_MEAN, 200, 300.0));
    CheckpointManifest steady = manifest(200, 420.0, ranking(RunMetric.SCORE_MEAN, 200, 410.0));

    assertThat(best(lucky, steady)).isEqualTo(steady.id());
  }

  @Test
  void rankingsOfAnotherMetricOrWindowDoNotCountAndUnrankedOnesFallBackToTheirMetrics() {
    spec.checkpoints.best.metric = BestMetric.REWARD_MEAN;
    CheckpointManifest other = manifest(100, 50.0, ranking(RunMetric.SCORE_MEAN, 100, 900.0));
    CheckpointManifest early = manifest(150, 60.0, null);

    // no manifest is ranked by rewardMean over 100 episodes: every one by its own rewardMean
    assertThat(best(other, early)).isEqualTo(early.id());
  }

  @Test
  void onceRankedCheckpointsExistTheUnrankedOnesAreNotCompared() {
    spec.checkpoints.best.window = 100;
    CheckpointManifest early = manifest(50, 900.0, null); // before the best window was full
    CheckpointManifest ranked = manifest(150, 200.0, ranking(RunMetric.SCORE_MEAN, 100, 210.0));

    assertThat(best(early, ranked)).isEqualTo(ranked.id());
  }

  @Test
  void statusShowsTheValueThatRankedTheBestBesideItsMetricsWindowScore() {
    // a perfect 20-episode window early, a higher 100-episode mean later: the early one is best
    spec.checkpoints.best.window = 20;
    CheckpointManifest perfect = manifest(103, 471.4, ranking(RunMetric.SCORE_MEAN, 20, 500.0));
    CheckpointManifest later = manifest(200, 494.8, ranking(RunMetric.SCORE_MEAN, 20, 489.5));
    CheckpointCatalog catalog = catalog(perfect, later);

    var ref = catalog.ref(catalog.best(spec.checkpoints.best).orElseThrow());

    assertThat(ref.rankValue).isEqualTo(500.0);
    assertThat(StatusRecorder.where(ref))
        .startsWith(
            "ep-000000103-a0001 (scoreMean 471.4; 500 over checkpoints.best.window) at s3://");
    ref.rankValue = null; // a manifest written before the best window filled
    assertThat(StatusRecorder.where(ref)).startsWith("ep-000000103-a0001 (scoreMean 471.4) at ");
  }

  private CheckpointCatalog catalog(CheckpointManifest... manifests) {
    RunContext run = new RunContext("lab", "r", 1L, spec);
    return new CheckpointCatalog(
        run, new Observation(null, null, List.of(manifests), List.of()), List.of());
  }

  private String best(CheckpointManifest... manifests) {
    return catalog(manifests).best(spec.checkpoints.best).map(CheckpointManifest::id).orElse(null);
  }

  private static CheckpointManifest.Ranking ranking(RunMetric metric, int window, double value) {
    return new CheckpointManifest.Ranking(metric, window, value);
  }

  private static CheckpointManifest manifest(
      long episode, double metric, CheckpointManifest.Ranking ranking) {
    String id = String.format("ep-%09d-a0001", episode);
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
        Map.of("scoreMean", metric, "rewardMean", metric / 10),
        false,
        List.of(),
        null,
        ranking);
  }
}

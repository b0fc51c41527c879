package dev.ratchet.trainer.session;

import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.trainer.rl.UpdateStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The trainer's Prometheus series (names of {@link MetricNames}), all labelled namespace, run,
 * phase and attempt, in a registry of their own so tests and several sessions never share state.
 */
public final class TrainerMetrics {

  /** Always 1; carries the device as a label (trainer-specific, so not in MetricNames). */
  public static final String TRAINER_DEVICE = "ratchet_trainer_device";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint episodes;
  private final CounterDataPoint envSteps;
  private final DistributionDataPoint score;
  private final GaugeDataPoint scoreMean;
  private final GaugeDataPoint rewardMean;
  private final GaugeDataPoint learningRate;
  private final GaugeDataPoint gradNorm;
  private final GaugeDataPoint policyKl;
  private final GaugeDataPoint clipFraction;
  private final GaugeDataPoint valueLoss;
  private final CounterDataPoint nonFinite;
  private final GaugeDataPoint checkpointSeconds;
  private final GaugeDataPoint checkpointBytes;

  public TrainerMetrics(String namespace, String run, String phase, int attempt, String device) {
    String[] names = {
      MetricNames.LABEL_NAMESPACE,
      MetricNames.LABEL_RUN,
      MetricNames.LABEL_PHASE,
      MetricNames.LABEL_ATTEMPT
    };
    String[] values = {namespace, run, phase, Integer.toString(attempt)};
    episodes = counter(MetricNames.EPISODES_TOTAL, "Episodes completed.", names, values);
    envSteps = counter(MetricNames.ENV_STEPS_TOTAL, "Environment steps taken.", names, values);
    nonFinite = counter(MetricNames.NONFINITE_TOTAL, "Updates skipped for NaN/Inf.", names, values);
    score =
        Histogram.builder()
            .name(MetricNames.EPISODE_SCORE)
            .help("Score of each episode.")
            .labelNames(names)
            // Negative bounds for intercept (failures score about −1000), the rest for the others.
            .classicUpperBounds(
                -1000, -500, -250, 0, 10, 25, 50, 100, 200, 300, 400, 475, 500, 1000, 1500)
            .register(registry)
            .labelValues(values);
    scoreMean = gauge(MetricNames.SCORE_MEAN, "Windowed mean score.", names, values);
    rewardMean = gauge(MetricNames.REWARD_MEAN, "Windowed mean reward per step.", names, values);
    learningRate = gauge(MetricNames.LEARNING_RATE, "Learning rate in use.", names, values);
    gradNorm = gauge(MetricNames.GRAD_NORM, "Gradient norm before clipping.", names, values);
    policyKl = gauge(MetricNames.POLICY_KL, "Approximate KL of the last update.", names, values);
    clipFraction =
        gauge(MetricNames.CLIP_FRACTION, "Clipped fraction of the last update.", names, values);
    valueLoss = gauge(MetricNames.VALUE_LOSS, "Value loss of the last update.", names, values);
    checkpointSeconds =
        gauge(MetricNames.CHECKPOINT_SECONDS, "Duration of the last checkpoint.", names, values);
    checkpointBytes =
        gauge(MetricNames.CHECKPOINT_BYTES, "Size of the last checkpoint.", names, values);
    String[] infoNames = {
      MetricNames.LABEL_NAMESPACE,
      MetricNames.LABEL_RUN,
      MetricNames.LABEL_PHASE,
      MetricNames.LABEL_ATTEMPT,
      MetricNames.LABEL_DEVICE
    };
    gauge(
            TRAINER_DEVICE,
            "Trainer attempt and compute device.",
            infoNames,
            new String[] {namespace, run, phase, Integer.toString(attempt), device})
        .set(1);
  }

  private CounterDataPoint counter(String name, String help, String[] names, String[] values) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(names)
        .register(registry)
        .labelValues(values);
  }

  private GaugeDataPoint gauge(String name, String help, String[] names, String[] values) {
    return Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(names)
        .register(registry)
        .labelValues(values);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  void episode(double episodeScore, int length) {
    episodes.inc();
    score.observe(episodeScore);
  }

  void steps(long n) {
    envSteps.inc(n);
  }

  void window(double mean, double reward) {
    scoreMean.set(mean);
    rewardMean.set(reward);
  }

  void update(UpdateStats s) {
    learningRate.set(s.learningRate());
    if (s.minibatches() > 0) {
      gradNorm.set(s.gradNorm());
      policyKl.set(s.approxKl());
      clipFraction.set(s.clipFraction());
      valueLoss.set(s.valueLoss());
    }
    if (s.nonFinite() > 0) {
      nonFinite.inc(s.nonFinite());
    }
  }

  void checkpoint(double seconds, long bytes) {
    checkpointSeconds.set(seconds);
    checkpointBytes.set(bytes);
  }
}

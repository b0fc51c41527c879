package dev.ratchet.trainer.session;

import dev.ratchet.api.trainer.EvaluationResult;
import dev.ratchet.api.trainer.MetricNames;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.trainer.policy.RouterStats;
import dev.ratchet.trainer.rl.NonFinite;
import dev.ratchet.trainer.rl.UpdateStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;

/**
 * The trainer's Prometheus series (names of {@link MetricNames}), all labelled namespace, run,
 * phase and attempt, in a registry of their own so tests and several sessions never share state.
 */
public final class TrainerMetrics {

  /** Always 1; carries the device as a label (trainer-specific, so not in MetricNames). */
  public static final String TRAINER_DEVICE = "ratchet_trainer_device";

  // Router series beyond MetricNames' (trainer-specific, moe only).
  /** Entropy of the batch-mean expert weights (whether experts are used evenly overall). */
  public static final String ROUTING_ENTROPY = "ratchet_routing_entropy";

  /** Experts whose mixture share is below a tenth of the even share. */
  public static final String DEAD_EXPERTS = "ratchet_dead_experts";

  /** The Switch load balance term E · Σ f_i · P_i (1 when balanced, E when collapsed). */
  public static final String LOAD_BALANCE = "ratchet_load_balance";

  /** Mean pairwise cosine similarity of the expert outputs. */
  public static final String EXPERT_SIMILARITY = "ratchet_expert_similarity";

  /** The signed alpha entropy coefficient in force: fixed, or tuned to hold a band. */
  public static final String ALPHA_ENTROPY_COEF = "ratchet_alpha_entropy_coef";

  /** The episode of the newest update with skipped steps, labelled where it first went NaN/Inf. */
  public static final String NONFINITE_SOURCE = "ratchet_nonfinite_source";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint episodes;
  private final CounterDataPoint episodesSucceeded;
  private final GaugeDataPoint successRate;
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
  private final CounterDataPoint checkpointFailures;
  private final GaugeDataPoint checkpointSeconds;
  private final GaugeDataPoint checkpointBytes;
  private final String[] labelNames;
  private final String[] labelValues;
  // Created at the first router statistics, so non-moe runs export no router series.
  private GaugeDataPoint alphaEntropy;
  private GaugeDataPoint routingEntropy;
  private GaugeDataPoint temperature;
  private GaugeDataPoint deadExperts;
  private GaugeDataPoint loadBalance;
  private GaugeDataPoint expertSimilarity;
  private GaugeDataPoint alphaEntropyCoef;
  private GaugeDataPoint[] expertUsage;
  private Gauge nonFiniteSource;
  // Created at the first evaluation, so runs without spec.evaluation export no evaluation series.
  private GaugeDataPoint[] evaluationGauges;
  private CounterDataPoint evaluationSeconds;

  public TrainerMetrics(String namespace, String run, String phase, int attempt, String device) {
    String[] names = {
      MetricNames.LABEL_NAMESPACE,
      MetricNames.LABEL_RUN,
      MetricNames.LABEL_PHASE,
      MetricNames.LABEL_ATTEMPT
    };
    String[] values = {namespace, run, phase, Integer.toString(attempt)};
    this.labelNames = names;
    this.labelValues = values;
    episodes = counter(MetricNames.EPISODES_TOTAL, "Episodes completed.", names, values);
    episodesSucceeded =
        counter(
            MetricNames.EPISODES_SUCCEEDED_TOTAL,
            "Episodes that reached the environment's goal.",
            names,
            values);
    successRate =
        gauge(
            MetricNames.SUCCESS_RATE,
            "Windowed share of episodes that reached the environment's goal.",
            names,
            values);
    envSteps = counter(MetricNames.ENV_STEPS_TOTAL, "Environment steps taken.", names, values);
    nonFinite = counter(MetricNames.NONFINITE_TOTAL, "Updates skipped for NaN/Inf.", names, values);
    checkpointFailures =
        counter(
            MetricNames.CHECKPOINT_FAILURES_TOTAL,
            "Checkpoints not committed after retries.",
            names,
            values);
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
    scoreMean = gauge(RunMetric.SCORE_MEAN.prometheusName(), "Windowed mean score.", names, values);
    rewardMean =
        gauge(
            RunMetric.REWARD_MEAN.prometheusName(),
            "Windowed mean reward per step.",
            names,
            values);
    learningRate = gauge(MetricNames.LEARNING_RATE, "Learning rate in use.", names, values);
    gradNorm =
        gauge(
            RunMetric.GRAD_NORM.prometheusName(), "Gradient norm before clipping.", names, values);
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

  void episode(double episodeScore, int length, boolean success) {
    episodes.inc();
    if (success) {
      episodesSucceeded.inc();
    }
    score.observe(episodeScore);
  }

  void steps(long n) {
    envSteps.inc(n);
  }

  void window(double mean, double reward, double success) {
    scoreMean.set(mean);
    rewardMean.set(reward);
    successRate.set(success);
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
    if (s.router() != null) {
      router(s.router());
    }
  }

  private void router(RouterStats r) {
    if (alphaEntropy == null) {
      String[] names = labelNames;
      String[] values = labelValues;
      alphaEntropy =
          gauge(
              RunMetric.ALPHA_ENTROPY.prometheusName(),
              "Mean entropy of the expert weights.",
              names,
              values);
      routingEntropy =
          gauge(ROUTING_ENTROPY, "Entropy of the batch-mean expert weights.", names, values);
      temperature = gauge(MetricNames.ROUTER_TEMPERATURE, "Router temperature.", names, values);
      deadExperts = gauge(DEAD_EXPERTS, "Experts under a tenth of the even share.", names, values);
      loadBalance = gauge(LOAD_BALANCE, "Switch load balance term (1 = balanced).", names, values);
      expertSimilarity =
          gauge(EXPERT_SIMILARITY, "Mean pairwise cosine of expert outputs.", names, values);
      alphaEntropyCoef =
          gauge(
              ALPHA_ENTROPY_COEF,
              "Signed alpha entropy coefficient in force (positive lowers the entropy).",
              names,
              values);
      String[] withExpert = Arrays.copyOf(names, names.length + 1);
      withExpert[names.length] = MetricNames.LABEL_EXPERT;
      Gauge usage =
          Gauge.builder()
              .name(MetricNames.EXPERT_USAGE_RATIO)
              .help("Share of the mixture weight per expert.")
              .labelNames(withExpert)
              .register(registry);
      expertUsage = new GaugeDataPoint[r.expertUsage().size()];
      for (int i = 0; i < expertUsage.length; i++) {
        String[] v = Arrays.copyOf(values, values.length + 1);
        v[values.length] = Integer.toString(i);
        expertUsage[i] = usage.labelValues(v);
      }
    }
    alphaEntropy.set(r.alphaEntropy());
    routingEntropy.set(r.routingEntropy());
    temperature.set(r.temperature());
    deadExperts.set(r.deadExperts());
    loadBalance.set(r.loadBalance());
    expertSimilarity.set(r.expertSimilarity());
    alphaEntropyCoef.set(r.alphaEntropyCoef());
    for (int i = 0; i < expertUsage.length; i++) {
      expertUsage[i].set(r.expertUsage().get(i));
    }
  }

  /** Keeps one series: where the newest skipped update went non-finite, valued with its episode. */
  void nonFiniteSource(NonFinite where, long episode) {
    if (nonFiniteSource == null) {
      String[] names = Arrays.copyOf(labelNames, labelNames.length + 2);
      names[labelNames.length] = "kind";
      names[labelNames.length + 1] = "tensor";
      nonFiniteSource =
          Gauge.builder()
              .name(NONFINITE_SOURCE)
              .help("Episode of the newest update with NaN/Inf, by where it went non-finite first.")
              .labelNames(names)
              .register(registry);
    }
    nonFiniteSource.clear();
    String[] values = Arrays.copyOf(labelValues, labelValues.length + 2);
    values[labelValues.length] = where.kind().label();
    values[labelValues.length + 1] = where.tensor();
    nonFiniteSource.labelValues(values).set(episode);
  }

  /**
   * The newest checkpoint evaluation, and the time spent evaluating (its cost against training).
   */
  void evaluation(EvaluationResult e) {
    if (evaluationGauges == null) {
      evaluationGauges =
          new GaugeDataPoint[] {
            gauge(
                MetricNames.EVAL_SCORE_MEAN,
                "Mean score of the newest checkpoint's evaluation episodes.",
                labelNames,
                labelValues),
            gauge(
                MetricNames.EVAL_SCORE_STD,
                "Score standard deviation of the newest evaluation.",
                labelNames,
                labelValues),
            gauge(
                MetricNames.EVAL_SUCCESS_RATE,
                "Success rate of the newest evaluation.",
                labelNames,
                labelValues),
            gauge(
                MetricNames.EVAL_EPISODE_LENGTH_MEAN,
                "Mean episode length of the newest evaluation.",
                labelNames,
                labelValues),
            gauge(
                MetricNames.EVAL_EPISODE,
                "Training episode of the newest evaluated checkpoint.",
                labelNames,
                labelValues)
          };
      evaluationSeconds =
          counter(
              MetricNames.EVAL_SECONDS_TOTAL,
              "Wall time spent playing evaluation episodes.",
              labelNames,
              labelValues);
    }
    evaluationGauges[0].set(e.scoreMean());
    evaluationGauges[1].set(e.scoreStd());
    evaluationGauges[2].set(e.successRate() == null ? Double.NaN : e.successRate());
    evaluationGauges[3].set(e.lengthMean());
    evaluationGauges[4].set(e.episode());
    evaluationSeconds.inc(e.seconds());
  }

  void checkpointFailed() {
    checkpointFailures.inc();
  }

  void checkpoint(double seconds, long bytes) {
    checkpointSeconds.set(seconds);
    checkpointBytes.set(bytes);
  }
}

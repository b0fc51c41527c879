package dev.ratchet.core.validation;

import dev.ratchet.api.environment.EnvironmentChecks;
import dev.ratchet.api.trainer.StorageLayout;
import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.Architecture;
import dev.ratchet.api.v1alpha1.InitFromSpec;
import dev.ratchet.api.v1alpha1.MetricCondition;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.Routing;
import dev.ratchet.api.v1alpha1.RunMetric;
import dev.ratchet.api.v1alpha1.TrainerSpec;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The rules of a TrainingRun spec that span several fields and so cannot live in the CRD schema.
 * Runs on a spec that passed the schema (the operator, the local mode), or, to report every mistake
 * of a file at once, on one that did not ({@link #validateDespiteSchemaViolations}).
 */
public final class SpecValidator {

  /** Environment variable names the operator sets itself; users may not override them. */
  static final String RESERVED_ENV_PREFIX = "RATCHET_";

  /** Returns every violation found, in field order; empty when the spec is valid. */
  public List<Violation> validate(TrainingRunSpec spec) {
    List<Violation> violations = new ArrayList<>();
    for (Rule rule : rules(spec)) {
      rule.check().accept(violations);
    }
    return violations;
  }

  /**
   * The same rules on a spec that failed the schema at {@code rejectedFields}, so that one reading
   * reports both kinds of mistake. A rule that reads a rejected field, or meets a value the schema
   * found missing, is skipped (its verdict would follow from the mistake, not add one); a violation
   * on a rejected field is left out, as the schema's message already covers that field.
   */
  public List<Violation> validateDespiteSchemaViolations(
      TrainingRunSpec spec, Collection<String> rejectedFields) {
    List<Violation> violations = new ArrayList<>();
    for (Rule rule : rules(spec)) {
      if (rule.reads().stream().anyMatch(read -> overlapsAny(read, rejectedFields))) {
        continue;
      }
      List<Violation> found = new ArrayList<>();
      try {
        rule.check().accept(found);
      } catch (RuntimeException e) {
        // A null where the schema requires a value (reported there): this rule cannot judge.
        continue;
      }
      found.stream().filter(v -> !overlapsAny(v.path(), rejectedFields)).forEach(violations::add);
    }
    return violations;
  }

  /**
   * One cross-field rule: the fields it reads besides the ones it reports on, and the check.
   *
   * @param reads field paths whose value decides the rule's verdict on other fields
   * @param check adds the rule's violations to the list it is given
   */
  private record Rule(List<String> reads, Consumer<List<Violation>> check) {}

  private static List<Rule> rules(TrainingRunSpec spec) {
    String architecture = "spec.model.architecture";
    boolean moe = spec.model != null && spec.model.architecture == Architecture.MOE;
    return List.of(
        new Rule(List.of("spec.environment.name"), v -> checkEnvironment(spec, v)),
        new Rule(List.of(), v -> checkModel(spec, v)),
        new Rule(
            List.of("spec.environment.numEnvs", "spec.ppo.rolloutSteps", architecture),
            v -> checkPpo(spec, v)),
        new Rule(List.of(architecture), v -> checkPhases(spec, moe, v)),
        new Rule(List.of(architecture, "spec.model.experts"), v -> checkBands(spec, moe, v)),
        new Rule(List.of(architecture), v -> checkDivergence(spec, moe, v)),
        new Rule(
            List.of(architecture),
            v -> {
              if (spec.earlyStopping != null) {
                checkMetric(spec.earlyStopping.metric, "spec.earlyStopping.metric", moe, false, v);
              }
            }),
        new Rule(List.of("spec.evaluation"), v -> checkEvaluationMetrics(spec, v)),
        new Rule(List.of("spec.checkpoints.storage.bucket"), v -> checkInitFrom(spec, v)),
        new Rule(List.of(), v -> checkTrainerEnv(spec, v)),
        new Rule(List.of(), v -> checkTrainerPod(spec.trainer, v)));
  }

  /** Whether {@code path} is one of {@code fields}, inside one, or holds one. */
  private static boolean overlapsAny(String path, Collection<String> fields) {
    return fields.stream().anyMatch(f -> FieldPaths.inside(path, f) || FieldPaths.inside(f, path));
  }

  /**
   * The environment's options, checked by the same code the trainer runs: a typo is refused here
   * rather than by every attempt's trainer.
   */
  private static void checkEnvironment(TrainingRunSpec spec, List<Violation> violations) {
    try {
      EnvironmentChecks.check(spec.environment);
    } catch (IllegalArgumentException e) {
      // "environment.options.view (dungeon) must be odd, got 8": the field, then what is wrong
      String text = e.getMessage();
      int space = text.indexOf(' ');
      String field = space < 0 ? text : text.substring(0, space);
      String what = space < 0 ? "is invalid" : text.substring(space + 1);
      if (what.startsWith("(") && what.indexOf(") ") > 0) {
        int close = what.indexOf(") ");
        what = what.substring(close + 2) + " " + what.substring(0, close + 1);
      }
      violations.add(new Violation("spec." + field, what));
    }
  }

  private static void checkModel(TrainingRunSpec spec, List<Violation> violations) {
    for (int i = 0; i < spec.model.hiddenSizes.size(); i++) {
      Integer size = spec.model.hiddenSizes.get(i);
      if (size == null || size < 1) {
        violations.add(
            new Violation(
                "spec.model.hiddenSizes[" + i + "]",
                "must be a layer width of at least 1, got " + size));
      }
    }
  }

  private static void checkPpo(TrainingRunSpec spec, List<Violation> violations) {
    long batch = (long) spec.environment.numEnvs * spec.ppo.rolloutSteps;
    if (spec.ppo.minibatches > batch) {
      violations.add(
          new Violation(
              "spec.ppo.minibatches",
              "must be at most numEnvs × rolloutSteps = "
                  + batch
                  + " (the samples of one rollout), got "
                  + spec.ppo.minibatches));
    }
    if (spec.model.architecture == Architecture.LSTM
        && spec.ppo.minibatches > spec.environment.numEnvs) {
      violations.add(
          new Violation(
              "spec.ppo.minibatches",
              "must be at most spec.environment.numEnvs ("
                  + spec.environment.numEnvs
                  + ") for lstm, whose minibatches hold whole environment sequences, got "
                  + spec.ppo.minibatches));
    }
  }

  private static void checkPhases(TrainingRunSpec spec, boolean moe, List<Violation> violations) {
    Set<String> names = new HashSet<>();
    Long previousEpisode = null;
    String previousPath = null;
    for (int i = 0; i < spec.phases.size(); i++) {
      PhaseSpec phase = spec.phases.get(i);
      String path = "spec.phases[" + i + "]";
      if (!names.add(phase.name)) {
        violations.add(
            new Violation(
                path + ".name", "must be unique among the phases, \"" + phase.name + "\" repeats"));
      }
      boolean hasMetricGate = !phase.until.anyOf.isEmpty() || !phase.until.allOf.isEmpty();
      if (phase.until.episode == null && !hasMetricGate) {
        violations.add(
            new Violation(
                path + ".until", "must set episode, anyOf or allOf, or the phase never ends"));
      }
      if (phase.until.episode != null) {
        if (previousEpisode != null && phase.until.episode <= previousEpisode) {
          violations.add(
              new Violation(
                  path + ".until.episode",
                  "must be greater than "
                      + previousPath
                      + " ("
                      + previousEpisode
                      + "): episode gates count from the run's start and must strictly"
                      + " increase, got "
                      + phase.until.episode));
        }
        previousEpisode = phase.until.episode;
        previousPath = path + ".until.episode";
      }
      if (i == spec.phases.size() - 1 && phase.until.episode == null) {
        violations.add(
            new Violation(
                path + ".until.episode",
                "is required on the last phase, so that the run ends even if its metric"
                    + " conditions never hold"));
      }
      checkConditions(phase.until.anyOf, path + ".until.anyOf", moe, violations);
      checkConditions(phase.until.allOf, path + ".until.allOf", moe, violations);
      checkMoeOnlyFields(phase, path, moe, violations);
    }
  }

  /** The alpha-entropy bands of a moe run's phases, which depend on its number of experts. */
  private static void checkBands(TrainingRunSpec spec, boolean moe, List<Violation> violations) {
    for (int i = 0; moe && i < spec.phases.size(); i++) {
      PhaseSpec phase = spec.phases.get(i);
      if (phase.moe != null && phase.moe.alphaEntropyTarget != null) {
        checkBand(
            phase.moe.alphaEntropyTarget,
            "spec.phases[" + i + "].moe.alphaEntropyTarget",
            spec,
            violations);
      }
    }
  }

  /** A band must lie inside what E experts can show: [0, ln E], low below high. */
  private static void checkBand(
      AlphaEntropyTarget band, String path, TrainingRunSpec spec, List<Violation> violations) {
    if (band.low == null || band.high == null) {
      return; // the schema reports the missing field
    }
    int experts = spec.model.experts;
    double lnE = Math.log(experts);
    if (band.high > lnE) {
      violations.add(
          new Violation(
              path + ".high",
              String.format(
                  Locale.ROOT,
                  "must be at most ln(model.experts) = ln %d = %.3f, the largest alpha entropy %d"
                      + " experts can have; got %s",
                  experts,
                  lnE,
                  experts,
                  band.high)));
    }
    if (band.low >= band.high) {
      violations.add(
          new Violation(
              path + ".low",
              "must be below high ("
                  + band.high
                  + "): the band is low ≤ alpha entropy ≤ high; got "
                  + band.low));
    }
  }

  private static void checkConditions(
      List<MetricCondition> conditions, String path, boolean moe, List<Violation> violations) {
    for (int j = 0; j < conditions.size(); j++) {
      MetricCondition condition = conditions.get(j);
      String conditionPath = path + "[" + j + "]";
      if ((condition.below == null) == (condition.above == null)) {
        violations.add(new Violation(conditionPath, "must set exactly one of below or above"));
      }
      checkMetric(condition.metric, conditionPath + ".metric", moe, true, violations);
    }
  }

  private static void checkMoeOnlyFields(
      PhaseSpec phase, String path, boolean moe, List<Violation> violations) {
    if (moe) {
      return;
    }
    String why = " only applies to model.architecture moe";
    if (phase.routing == Routing.SPARSEMAX) {
      violations.add(
          new Violation(
              path + ".routing", "sparsemax" + why + "; use softmax or set the architecture"));
    }
    if (phase.moe != null) {
      violations.add(new Violation(path + ".moe", "the moe block" + why + "; remove it"));
    }
    if (phase.temperature.from != 1.0 || phase.temperature.to != 1.0) {
      violations.add(
          new Violation(
              path + ".temperature", "a router temperature other than 1.0" + why + "; remove it"));
    }
  }

  private static void checkDivergence(
      TrainingRunSpec spec, boolean moe, List<Violation> violations) {
    checkMetric(spec.divergence.metric, "spec.divergence.metric", moe, false, violations);
    if (spec.divergence.alphaEntropyCollapseBelow != null && !moe) {
      violations.add(
          new Violation(
              "spec.divergence.alphaEntropyCollapseBelow",
              "only applies to model.architecture moe; remove it"));
    }
  }

  /**
   * Checks that a watched metric exists for this model, and, where higher must mean better (best
   * checkpoint, divergence, early stopping), that it is not the gradient norm.
   */
  private static void checkMetric(
      RunMetric metric, String path, boolean moe, boolean anyDirection, List<Violation> out) {
    if (metric == RunMetric.ALPHA_ENTROPY && !moe) {
      out.add(new Violation(path, "alphaEntropy is only reported by model.architecture moe"));
    }
    if (metric == RunMetric.GRAD_NORM && !anyDirection) {
      out.add(
          new Violation(
              path,
              "gradNorm cannot rank progress (higher is not better); use scoreMean or"
                  + " rewardMean, and spec.divergence.gradNormAbove for exploding gradients"));
    }
  }

  /**
   * A warm start names either a source run (and which of its checkpoints) or a committed
   * checkpoint's folder in the run's own bucket.
   */
  private static void checkInitFrom(TrainingRunSpec spec, List<Violation> violations) {
    if (spec.initFrom == null) {
      return;
    }
    InitFromSpec from = spec.initFrom;
    if ((from.run == null) == (from.uri == null)) {
      violations.add(
          new Violation(
              "spec.initFrom",
              "set either run (a TrainingRun's name, with checkpoint: best, latest or an id) or"
                  + " uri (a checkpoint folder's s3:// URI), not "
                  + (from.run == null ? "neither" : "both")));
      return;
    }
    if (from.run != null) {
      checkInitFromRun(from, violations);
      return;
    }
    if (from.checkpoint != null) {
      violations.add(
          new Violation(
              "spec.initFrom.checkpoint",
              "goes with spec.initFrom.run; spec.initFrom.uri names its checkpoint itself, so"
                  + " remove checkpoint"));
    }
    String uri = from.uri;
    String bucket = spec.checkpoints.storage.bucket;
    String example = "s3://" + bucket + "/PREFIX/NAMESPACE/RUN/checkpoints/ep-000000500-a0001/";
    if (!uri.startsWith("s3://") || StorageLayout.checkpointIdOf(uri) == null) {
      violations.add(
          new Violation(
              "spec.initFrom.uri",
              "must be the s3:// URI of a checkpoint folder, e.g. "
                  + example
                  + " (the source run's status.bestCheckpoint.uri); got \""
                  + uri
                  + "\""));
    } else if (bucket != null && !uri.startsWith("s3://" + bucket + "/")) {
      violations.add(
          new Violation(
              "spec.initFrom.uri",
              "must be in this run's bucket "
                  + bucket
                  + " (spec.checkpoints.storage.bucket), where the trainer reads checkpoints;"
                  + " got \""
                  + uri
                  + "\""));
    }
  }

  private static void checkInitFromRun(InitFromSpec from, List<Violation> violations) {
    KubernetesNames.checkSubdomain(from.run, "spec.initFrom.run", violations);
    String checkpoint = from.checkpoint;
    if (checkpoint != null
        && !checkpoint.equals(InitFromSpec.BEST)
        && !checkpoint.equals(InitFromSpec.LATEST)
        && !StorageLayout.isCheckpointId(checkpoint)) {
      violations.add(
          new Violation(
              "spec.initFrom.checkpoint",
              "must be best, latest or a checkpoint id such as ep-000000500-a0001 (ratchet"
                  + " checkpoints RUN lists them); got \""
                  + checkpoint
                  + "\""));
    }
  }

  /** Every watched or ranking metric that comes from evaluation needs spec.evaluation. */
  private static void checkEvaluationMetrics(TrainingRunSpec spec, List<Violation> violations) {
    if (spec.evaluation != null) {
      return;
    }
    Map<String, RunMetric> watched = new LinkedHashMap<>();
    watched.put("spec.checkpoints.best.metric", spec.checkpoints.best.metric.runMetric());
    watched.put("spec.divergence.metric", spec.divergence.metric);
    if (spec.earlyStopping != null) {
      watched.put("spec.earlyStopping.metric", spec.earlyStopping.metric);
    }
    for (int i = 0; i < spec.phases.size(); i++) {
      PhaseSpec phase = spec.phases.get(i);
      if (phase == null || phase.until == null) {
        continue;
      }
      String path = "spec.phases[" + i + "].until.";
      for (int j = 0; j < phase.until.anyOf.size(); j++) {
        watched.put(path + "anyOf[" + j + "].metric", phase.until.anyOf.get(j).metric);
      }
      for (int j = 0; j < phase.until.allOf.size(); j++) {
        watched.put(path + "allOf[" + j + "].metric", phase.until.allOf.get(j).metric);
      }
    }
    watched.forEach(
        (path, metric) -> {
          if (metric != null && metric.fromEvaluation()) {
            violations.add(
                new Violation(
                    path,
                    metric.key()
                        + " is measured by evaluation episodes; add spec.evaluation (e.g."
                        + " evaluation: {episodes: 10}) or watch a training metric such as"
                        + " scoreMean"));
          }
        });
  }

  private static void checkTrainerEnv(TrainingRunSpec spec, List<Violation> violations) {
    List<EnvVar> env = spec.trainer.env;
    for (int i = 0; i < env.size(); i++) {
      String name = env.get(i).getName();
      if (name != null && name.startsWith(RESERVED_ENV_PREFIX)) {
        violations.add(
            new Violation(
                "spec.trainer.env[" + i + "].name",
                "\""
                    + name
                    + "\" is reserved: RATCHET_* variables are set by Ratchet for each"
                    + " attempt"));
      }
    }
  }

  /** The pod settings a cluster admin adds: names and labels as the API server would check them. */
  private static void checkTrainerPod(TrainerSpec trainer, List<Violation> violations) {
    if (trainer.priorityClassName != null) {
      KubernetesNames.checkSubdomain(
          trainer.priorityClassName, "spec.trainer.priorityClassName", violations);
    }
    if (trainer.serviceAccountName != null) {
      KubernetesNames.checkSubdomain(
          trainer.serviceAccountName, "spec.trainer.serviceAccountName", violations);
    }
    for (int i = 0; i < trainer.imagePullSecrets.size(); i++) {
      String name = trainer.imagePullSecrets.get(i).getName();
      String field = "spec.trainer.imagePullSecrets[" + i + "].name";
      if (name == null || name.isBlank()) {
        violations.add(new Violation(field, "is required: the name of a docker-registry Secret"));
      } else {
        KubernetesNames.checkSubdomain(name, field, violations);
      }
    }
    trainer.labels.forEach(
        (key, value) -> {
          String field = "spec.trainer.labels." + key;
          if (TrainerLabels.reserved(key)) {
            violations.add(
                new Violation(
                    field,
                    "is Ratchet's own label (the operator finds its pods by "
                        + TrainerLabels.PREFIX
                        + "* and "
                        + TrainerLabels.MANAGED_BY
                        + "): choose another key"));
          } else {
            KubernetesNames.checkQualifiedName(key, field, violations);
            KubernetesNames.checkLabelValue(value, field, violations);
          }
        });
    trainer.annotations.forEach(
        (key, value) ->
            KubernetesNames.checkQualifiedName(key, "spec.trainer.annotations." + key, violations));
  }
}

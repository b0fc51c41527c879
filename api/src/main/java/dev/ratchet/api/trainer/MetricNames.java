package dev.ratchet.api.trainer;

/** Prometheus metric and label names shared by the trainer, the operator and the dashboards. */
public final class MetricNames {

  // Labels of every trainer series.
  public static final String LABEL_NAMESPACE = "namespace";
  public static final String LABEL_RUN = "run";
  public static final String LABEL_PHASE = "phase";
  public static final String LABEL_ATTEMPT = "attempt";
  public static final String LABEL_EXPERT = "expert";
  public static final String LABEL_DEVICE = "device";
  public static final String LABEL_STATE = "state";
  public static final String LABEL_REASON = "reason";

  // Trainer series.
  public static final String EPISODES_TOTAL = "ratchet_episodes_total";

  /** Episodes that reached the environment's goal (see docs/trainer.md for each environment). */
  public static final String EPISODES_SUCCEEDED_TOTAL = "ratchet_episodes_succeeded_total";

  /** Share of the window's episodes that reached the environment's goal. */
  public static final String SUCCESS_RATE = "ratchet_success_rate";

  public static final String ENV_STEPS_TOTAL = "ratchet_env_steps_total";
  public static final String EPISODE_SCORE = "ratchet_episode_score";
  public static final String SCORE_MEAN = "ratchet_score_mean";
  public static final String REWARD_MEAN = "ratchet_reward_mean";
  public static final String ALPHA_ENTROPY = "ratchet_alpha_entropy";
  public static final String EXPERT_USAGE_RATIO = "ratchet_expert_usage_ratio";
  public static final String ROUTER_TEMPERATURE = "ratchet_router_temperature";
  public static final String LEARNING_RATE = "ratchet_learning_rate";
  public static final String GRAD_NORM = "ratchet_grad_norm";
  public static final String POLICY_KL = "ratchet_policy_kl";
  public static final String CLIP_FRACTION = "ratchet_clip_fraction";
  public static final String VALUE_LOSS = "ratchet_value_loss";
  public static final String NONFINITE_TOTAL = "ratchet_nonfinite_total";
  public static final String CHECKPOINT_SECONDS = "ratchet_checkpoint_seconds";
  public static final String CHECKPOINT_BYTES = "ratchet_checkpoint_bytes";
  public static final String CHECKPOINT_FAILURES_TOTAL = "ratchet_checkpoint_failures_total";

  /** Mean score of the newest evaluation (the evaluated checkpoint's greedy episodes). */
  public static final String EVAL_SCORE_MEAN = "ratchet_eval_score_mean";

  public static final String EVAL_SCORE_STD = "ratchet_eval_score_std";
  public static final String EVAL_SUCCESS_RATE = "ratchet_eval_success_rate";
  public static final String EVAL_EPISODE_LENGTH_MEAN = "ratchet_eval_episode_length_mean";

  /** Training episode of the newest evaluated checkpoint. */
  public static final String EVAL_EPISODE = "ratchet_eval_episode";

  /** Wall time spent in evaluation, to weigh its cost against training's. */
  public static final String EVAL_SECONDS_TOTAL = "ratchet_eval_seconds_total";

  // Operator series (labels namespace, run).
  public static final String TRAININGRUN_INFO = "ratchet_trainingrun_info";
  public static final String PHASE_TRANSITIONS_TOTAL = "ratchet_phase_transitions_total";
  public static final String ROLLBACKS_TOTAL = "ratchet_rollbacks_total";
  public static final String RESTARTS_TOTAL = "ratchet_restarts_total";

  /** Times the supervisor saw the trainer's non-finite count rise. */
  public static final String NONFINITE_REPORTS_TOTAL = "ratchet_nonfinite_reports_total";

  /** Trainers found stalled and restarted. */
  public static final String STALLS_TOTAL = "ratchet_stalls_total";

  /** Router problems found (moe), labelled reason: routingStuck or deadExpert. */
  public static final String ROUTER_PROBLEMS_TOTAL = "ratchet_router_problems_total";

  public static final String BEST_SCORE_MEAN = "ratchet_best_score_mean";
  public static final String ROLLBACKS_REMAINING = "ratchet_rollbacks_remaining";

  private MetricNames() {}
}

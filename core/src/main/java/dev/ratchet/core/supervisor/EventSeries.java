package dev.ratchet.core.supervisor;

import dev.ratchet.api.trainer.MetricNames;
import java.util.List;
import java.util.Optional;

/**
 * The counter series a supervisor event increments, shared by the operator and the local mode so
 * both export the same names and labels.
 *
 * @param metric the counter's name, e.g. {@code ratchet_rollbacks_total}
 * @param reason the value of the {@code reason} label, or null for counters without one
 */
public record EventSeries(String metric, String reason) {

  /** Rollbacks the supervisor decided on because training diverged. */
  public static final EventSeries DIVERGENCE_ROLLBACKS =
      new EventSeries(MetricNames.ROLLBACKS_TOTAL, "divergence");

  /** Rollbacks a user asked for through {@code spec.rollback}. */
  public static final EventSeries MANUAL_ROLLBACKS =
      new EventSeries(MetricNames.ROLLBACKS_TOTAL, "manual");

  /** Phase transitions. */
  public static final EventSeries PHASE_TRANSITIONS =
      new EventSeries(MetricNames.PHASE_TRANSITIONS_TOTAL, null);

  /** Trainer restarts after a crash or a lost pod. */
  public static final EventSeries RESTARTS = new EventSeries(MetricNames.RESTARTS_TOTAL, null);

  /** Trainers found stalled (no episode for trainer.stallTimeoutSeconds) and restarted. */
  public static final EventSeries STALLS = new EventSeries(MetricNames.STALLS_TOTAL, null);

  /**
   * Readings in which the trainer's non-finite count rose: kept by the supervisor, so the alert
   * fires even when the trainer that counted them is rolled back before it is scraped.
   */
  public static final EventSeries NON_FINITE =
      new EventSeries(MetricNames.NONFINITE_REPORTS_TOTAL, null);

  /** Routing found stuck outside its band (moe). */
  public static final EventSeries ROUTING_STUCK =
      new EventSeries(MetricNames.ROUTER_PROBLEMS_TOTAL, "routingStuck");

  /** Experts found out of use (moe). */
  public static final EventSeries DEAD_EXPERTS =
      new EventSeries(MetricNames.ROUTER_PROBLEMS_TOTAL, "deadExpert");

  /**
   * Every series, to register at zero when a run is first seen: a counter that first appears at 1
   * shows no {@code increase()} in Prometheus, so the first rollback would raise no alert.
   */
  public static List<EventSeries> all() {
    return List.of(
        DIVERGENCE_ROLLBACKS,
        MANUAL_ROLLBACKS,
        PHASE_TRANSITIONS,
        RESTARTS,
        STALLS,
        NON_FINITE,
        ROUTING_STUCK,
        DEAD_EXPERTS);
  }

  /** The series an event counts in, if any. */
  public static Optional<EventSeries> of(EventType type) {
    return Optional.ofNullable(
        switch (type) {
          case PHASE_TRANSITION -> PHASE_TRANSITIONS;
          case ROLLED_BACK -> DIVERGENCE_ROLLBACKS;
          case MANUAL_ROLLBACK -> MANUAL_ROLLBACKS;
          case RESTARTED -> RESTARTS;
          case STALLED -> STALLS;
          case NON_FINITE -> NON_FINITE;
          case ROUTING_STUCK -> ROUTING_STUCK;
          case DEAD_EXPERT -> DEAD_EXPERTS;
          default -> null;
        });
  }
}

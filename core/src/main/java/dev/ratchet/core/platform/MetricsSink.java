package dev.ratchet.core.platform;

import java.util.Map;

/**
 * Where the supervisor's series are published: Micrometer in the operator (Quarkus serves them with
 * JOSDK's), the Prometheus client in local mode. Labels keep their order: every series of one name
 * is given the same label names in the same order.
 */
public interface MetricsSink {

  /** Adds {@code amount} to a counter; 0 makes the series exist at zero. */
  void count(String name, Map<String, String> labels, double amount);

  /** Sets a gauge; a name ending in {@code _info} is an info series whose value is 1. */
  void gauge(String name, Map<String, String> labels, double value);

  /** Removes one series (of any kind); nothing when it does not exist. */
  void remove(String name, Map<String, String> labels);
}

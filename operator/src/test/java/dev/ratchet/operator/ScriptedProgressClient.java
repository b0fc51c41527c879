package dev.ratchet.operator;

import dev.ratchet.api.trainer.ProgressReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.Mock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Answers /v1/progress for trainer pods as the test scripts it, instead of over HTTP. */
@Mock
public class ScriptedProgressClient implements ProgressClient {

  private final Map<String, ProgressReport> reports = new ConcurrentHashMap<>();

  /** From now on, the pod answers with this report. */
  public void answer(String podName, ProgressReport report) {
    reports.put(podName, report);
  }

  @Override
  public Optional<ProgressReport> fetch(Pod pod) {
    return Optional.ofNullable(reports.get(pod.getMetadata().getName()));
  }
}

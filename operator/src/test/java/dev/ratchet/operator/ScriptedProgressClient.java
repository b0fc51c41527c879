package dev.ratchet.operator;

import dev.ratchet.api.trainer.ProgressReport;
import dev.ratchet.core.platform.ProgressReader;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Answers /v1/progress for trainer pods as the test scripts it, instead of over HTTP. */
// One instance shared by the test and the reconciler (a @Mock bean would be @Dependent).
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedProgressClient implements ProgressClient {

  private final Map<String, ProgressReport> reports = new ConcurrentHashMap<>();

  /** From now on, the pod answers with this report. */
  public void answer(String podName, ProgressReport report) {
    reports.put(podName, report);
  }

  @Override
  public ProgressReader.Reply fetch(Pod pod, long after) {
    return new ProgressReader.Reply(reports.get(pod.getMetadata().getName()), null);
  }
}

package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratchet.api.trainer.TrainerLabels;
import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test: TrainingRuns created at once against the mock API server (200, or {@code
 * -Dbenchmark.runs=N}); prints create→pod latency percentiles, reconciles per second and the heap
 * after settling. Run with {@code ./mvnw -pl operator -am verify -Pbench}. (The knob is not under
 * {@code ratchet.}: Quarkus refuses unknown properties under a mapped prefix at start-up.)
 */
@Tag("benchmark")
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedS3Resource.class)
@TestProfile(CreateToPodBenchmarkTest.Profile.class)
class CreateToPodBenchmarkTest {

  static final int RUNS = Integer.getInteger("benchmark.runs", 200);

  /** The default poll interval, as in production. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "ratchet.poll-interval", "10s", "quarkus.log.category.\"dev.ratchet\".level", "INFO");
    }
  }

  @Inject KubernetesClient client;

  @Test
  void createManyRunsAtOnce() throws Exception {
    TrainingRunReconcilerTest setup = new TrainingRunReconcilerTest();
    setup.client = client;
    setup.setUp();
    setup.tearDown(); // no kubelet: the pods only need to exist

    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> podSeen = new ConcurrentHashMap<>();
    SharedIndexInformer<Pod> informer =
        client
            .pods()
            .inNamespace(TrainingRunReconcilerTest.NAMESPACE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    podSeen.putIfAbsent(
                        pod.getMetadata().getLabels().get(TrainerLabels.RUN), System.nanoTime());
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod newPod) {}

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {}
                });
    double reconcilesBefore = reconciles();
    long start = System.nanoTime();
    for (int i = 0; i < RUNS; i++) {
      TrainingRun run = TrainingRunReconcilerTest.example("cartpole-quickstart.yaml", "bench-" + i);
      client
          .resources(TrainingRun.class)
          .inNamespace(TrainingRunReconcilerTest.NAMESPACE)
          .resource(run)
          .create();
      created.put("bench-" + i, System.nanoTime());
    }
    await().atMost(Duration.ofMinutes(5)).until(() -> podSeen.size() >= RUNS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double reconcilesAfter = reconciles();
    informer.close();

    List<Double> latencies = new ArrayList<>();
    created.forEach((run, at) -> latencies.add((podSeen.get(run) - at) / 1e6));
    latencies.sort(Double::compare);
    Thread.sleep(2000);
    System.gc();
    long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf(
        "BENCHMARK create-to-pod: runs=%d p50=%.0f ms p99=%.0f ms max=%.0f ms all-pods=%.1f s"
            + " reconciles=%.0f (%.1f/s) heap-after-gc=%.0f MiB%n",
        RUNS,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.get(latencies.size() - 1),
        seconds,
        reconcilesAfter - reconcilesBefore,
        (reconcilesAfter - reconcilesBefore) / seconds,
        heap / 1048576.0);
    assertThat(latencies).hasSize(RUNS);
  }

  private static double percentile(List<Double> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  private static double reconciles() {
    String metrics = TrainingRunLifecycleTest.metrics();
    Matcher m =
        Pattern.compile("(?m)^reconciliations_started_total\\{[^}]*\\} ([0-9.E]+)")
            .matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }
}

package dev.ratchet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events land on the run, and the same event twice is one Event counted twice. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

  static KubernetesClient client;

  @Test
  void repeatedEventIsCountedNotDuplicated() throws Exception {
    TrainingRun run = TrainerPodFactoryTest.dungeonRun();
    EventRecorder recorder =
        new EventRecorder(
            client, Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

    recorder.record(run, "RolledBack", "rolled back to ep-000001200-a0004", true);
    recorder.record(run, "RolledBack", "rolled back to ep-000001200-a0004", true);
    recorder.record(run, "PhaseTransition", "warmup -> transition at episode 1000", false);

    List<Event> events = client.v1().events().inNamespace("research").list().getItems();
    assertThat(events).hasSize(2);
    Event rollback =
        events.stream().filter(e -> e.getReason().equals("RolledBack")).findFirst().orElseThrow();
    assertThat(rollback.getCount()).isEqualTo(2);
    assertThat(rollback.getType()).isEqualTo("Warning");
    assertThat(rollback.getInvolvedObject().getKind()).isEqualTo("TrainingRun");
    assertThat(rollback.getInvolvedObject().getName()).isEqualTo("dungeon-moe");
    assertThat(rollback.getSource().getComponent()).isEqualTo("ratchet-operator");
  }
}

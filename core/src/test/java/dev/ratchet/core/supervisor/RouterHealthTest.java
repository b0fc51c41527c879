package dev.ratchet.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.trainer.TrainerConfig;
import dev.ratchet.api.v1alpha1.HistoryType;
import dev.ratchet.api.v1alpha1.RouterHealthAction;
import dev.ratchet.api.v1alpha1.RunState;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Router health on recorded series through the three-phase dungeon example (warmup to 1000,
 * transition to 3000 with band 0.6–0.9, fine-tune to 5000 with band 0.3–0.5): the seeds' fine-tune
 * plateau at 0.693 ± 0.0005 is stuck routing, an expert whose share stays at zero is dead; each is
 * reported once, kept in the RouterHealthy condition while it lasts, and rolled back when the spec
 * asks for it.
 */
class RouterHealthTest {

  static final List<Double> EVEN = List.of(0.25, 0.25, 0.25, 0.25);

  static FakePlatform.Series run(LongFunction<Double> alpha, LongFunction<List<Double>> usage) {
    return (long e, TrainerConfig c) ->
        new FakePlatform.Sample(
            Math.min(50, 5 + e / 100.0), 1, alpha.apply(e), 0.4, false, 1, 0.1, usage.apply(e));
  }

  /** The seeds: ln 4 in warmup, in band in transition, then 0.693 ± 0.0005 from episode 3100. */
  static double seeds(long e) {
    if (e < 1000) {
      return 1.386;
    }
    if (e < 3000) {
      return 0.75 + 0.05 * Math.sin(e / 50.0);
    }
    if (e < 3100) {
      return 0.75 - (e - 3000) * 0.00057;
    }
    return 0.693 + 0.0005 * Math.sin(e / 7.0);
  }

  static Condition routerCondition(FakePlatform p) {
    return p.status.conditions.stream()
        .filter(c -> c.getType().equals("RouterHealthy"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theSeedsFineTunePlateauIsStuckRoutingReportedOnce() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    FakePlatform p = new FakePlatform(spec, run(RouterHealthTest::seeds, e -> EVEN));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    List<Action.EmitEvent> stuck = p.events(EventType.ROUTING_STUCK);
    assertThat(stuck).hasSize(1);
    // flat (within 0.01 of 0.693) from the first episode of the plateau outside 0.3–0.5
    assertThat(stuck.get(0).message())
        .contains("alpha entropy stayed within 0.01 of 0.69")
        .contains("outside the phase's band 0.3–0.5")
        .contains("reported only (spec.routerHealth.onStuck: report)");
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(p.history(HistoryType.ROLLBACK)).isEmpty();
    Condition c = routerCondition(p);
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("RoutingStuck");
    assertThat(p.events(EventType.DEAD_EXPERT)).isEmpty();
  }

  @Test
  void stuckRoutingIsRolledBackWhenTheSpecAsks() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    spec.routerHealth.onStuck = RouterHealthAction.ROLLBACK;
    FakePlatform p =
        new FakePlatform(
            spec,
            (long e, TrainerConfig c) ->
                run(
                        x ->
                            c.ppo().learningRate < 5e-5 * 0.999
                                ? 0.4 // after the rollback the lower learning rate stays in band
                                : seeds(x),
                        x -> EVEN)
                    .at(e, c));

    p.runUntilFinal(50, 400);

    assertThat(p.violations).isEmpty();
    assertThat(p.history(HistoryType.ROLLBACK))
        .singleElement()
        .satisfies(h -> assertThat(h.reason).contains("alpha entropy stayed within"));
    assertThat(p.status.state).isEqualTo(RunState.SUCCEEDED);
    assertThat(routerCondition(p).getStatus()).isEqualTo("True");
  }

  @Test
  void anExpertOutOfUseForFiveHundredEpisodesIsDead() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    // expert 3 loses its share at episode 3500 and never gets it back
    FakePlatform p =
        new FakePlatform(
            spec,
            run(
                e -> e < 1000 ? 1.386 : e < 3000 ? 0.75 : 0.4,
                e -> e < 3500 ? EVEN : List.of(0.4, 0.3, 0.3, 0.0)));

    p.runUntilFinal(50, 400);

    assertThat(p.events(EventType.DEAD_EXPERT))
        .singleElement()
        .satisfies(
            ev ->
                assertThat(ev.message())
                    .contains("expert 3 (share 0 since episode 3500)")
                    .contains("under 0.1 of the even share for 500 episodes"));
    assertThat(routerCondition(p).getReason()).isEqualTo("DeadExperts");
    assertThat(p.events(EventType.ROUTING_STUCK)).isEmpty();
  }

  @Test
  void routingInItsBandOrMovingIsNotStuck() {
    TrainingRunSpec spec = FakePlatform.example("dungeon-moe-three-phase.yaml");
    // fine-tune: out of the band but moving (falling 0.2 per 1000 episodes), then in the band
    FakePlatform p =
        new FakePlatform(
            spec,
            run(
                e -> e < 1000 ? 1.386 : e < 3000 ? 0.75 : Math.max(0.45, 0.9 - (e - 3000) * 2e-4),
                e -> EVEN));

    p.runUntilFinal(50, 400);

    assertThat(p.events(EventType.ROUTING_STUCK)).isEmpty();
    assertThat(routerCondition(p).getStatus()).isEqualTo("True");
  }
}

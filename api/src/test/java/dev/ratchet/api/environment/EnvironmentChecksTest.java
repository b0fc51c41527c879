package dev.ratchet.api.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ratchet.api.v1alpha1.EnvironmentName;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of {@code spec.environment} every part shares, and the options they read. */
class EnvironmentChecksTest {

  private static EnvironmentSpec spec(EnvironmentName name) {
    EnvironmentSpec s = new EnvironmentSpec();
    s.name = name;
    s.numEnvs = 3;
    s.maxStepsPerEpisode = 100;
    s.seed = 1;
    return s;
  }

  @Test
  void optionsAreReadWithTheirTypes() {
    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("view", IntNode.valueOf(9));
    d.options.put("goldPiles", TextNode.valueOf("3"));
    assertThat(EnvironmentChecks.dungeon(d).view()).isEqualTo(9);
    assertThat(EnvironmentChecks.dungeon(d).goldPiles()).isEqualTo(3);

    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    // The spec's options are a string map: "200" and 200 mean the same.
    i.options.put("interceptRadius", TextNode.valueOf("200"));
    i.options.put("windMax", DoubleNode.valueOf(2.5));
    assertThat(EnvironmentChecks.intercept(i).interceptRadius()).isEqualTo(200.0);
    assertThat(EnvironmentChecks.intercept(i).windMax()).isEqualTo(2.5);
    assertThat(EnvironmentChecks.intercept(spec(EnvironmentName.INTERCEPT)).interceptRadius())
        .isEqualTo(150.0);
  }

  @Test
  void anUnknownOptionIsNamedWithTheAllowedKeys() {
    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("goldpiles", IntNode.valueOf(3));
    assertThatThrownBy(() -> EnvironmentChecks.check(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "environment.options.goldpiles is not an option of dungeon (allowed: goldPiles,"
                + " height, hitPoints, maxRooms, monsters, regenEvery, view, width)");

    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    i.options.put("radius", IntNode.valueOf(100));
    assertThatThrownBy(() -> EnvironmentChecks.check(i))
        .hasMessageStartingWith("environment.options.radius is not an option of intercept")
        .hasMessageContaining("interceptRadius");

    EnvironmentSpec c = spec(EnvironmentName.CARTPOLE);
    c.options.put("gravity", IntNode.valueOf(3));
    assertThatThrownBy(() -> EnvironmentChecks.check(c))
        .hasMessage(
            "environment.options.gravity is not an option of cartpole (allowed:"
                + " nanObservationsFromEpisode)");
  }

  @Test
  void badValuesAreNamed() {
    EnvironmentSpec i = spec(EnvironmentName.INTERCEPT);
    i.options.put("interceptRadius", TextNode.valueOf("wide"));
    assertThatThrownBy(() -> EnvironmentChecks.check(i))
        .hasMessage(
            "environment.options.interceptRadius (intercept) must be a number, got \"wide\"");
    i.options.put("interceptRadius", IntNode.valueOf(-5));
    assertThatThrownBy(() -> EnvironmentChecks.check(i))
        .hasMessage(
            "environment.options.interceptRadius (intercept) must be between 1 and 2000, got -5");
    i.options.put("interceptRadius", BooleanNode.TRUE);
    assertThatThrownBy(() -> EnvironmentChecks.check(i)).hasMessageContaining("must be a number");

    EnvironmentSpec d = spec(EnvironmentName.DUNGEON);
    d.options.put("view", IntNode.valueOf(8));
    assertThatThrownBy(() -> EnvironmentChecks.check(d))
        .hasMessage("environment.options.view (dungeon) must be odd, got 8");
    d.options.put("view", DoubleNode.valueOf(7.5));
    assertThatThrownBy(() -> EnvironmentChecks.check(d))
        .hasMessage("environment.options.view (dungeon) must be a whole number, got 7.5");

    EnvironmentSpec zero = spec(EnvironmentName.DUNGEON);
    zero.numEnvs = 0;
    assertThatThrownBy(() -> EnvironmentChecks.check(zero))
        .hasMessage("environment.numEnvs must be at least 1");
  }

  @Test
  void anExternalEnvironmentNeedsItsServersCommand() {
    EnvironmentSpec e = spec(EnvironmentName.EXTERNAL);
    assertThatThrownBy(() -> EnvironmentChecks.check(e))
        .hasMessageStartingWith(
            "environment.external is missing: name external needs the server's");
    e.external = new ExternalEnvironmentSpec();
    assertThatThrownBy(() -> EnvironmentChecks.check(e))
        .hasMessageStartingWith("environment.external.command must name the server's program");
    e.external.command = List.of("ratchet-env-serve", "gymnasium:CartPole-v1");
    assertThat(EnvironmentChecks.external(e).port).isEqualTo(50051);
    e.external.stepTimeoutSeconds = 0;
    assertThatThrownBy(() -> EnvironmentChecks.check(e))
        .hasMessage("environment.external.stepTimeoutSeconds must be at least 1, got 0");
  }

  @Test
  void anExternalEnvironmentTakesNoOptionsAndABuiltInOneNoServer() {
    EnvironmentSpec e = spec(EnvironmentName.EXTERNAL);
    e.external = new ExternalEnvironmentSpec();
    e.external.command = List.of("ratchet-env-serve", "gymnasium:CartPole-v1");
    e.options.put("gravity", IntNode.valueOf(10));
    assertThatThrownBy(() -> EnvironmentChecks.check(e))
        .hasMessage("environment.options.gravity is not an option of external (it takes none)");

    EnvironmentSpec c = spec(EnvironmentName.CARTPOLE);
    c.external = e.external;
    assertThatThrownBy(() -> EnvironmentChecks.check(c))
        .hasMessage(
            "environment.external is only for name external, not cartpole: remove it, or set"
                + " environment.name to external");
  }
}

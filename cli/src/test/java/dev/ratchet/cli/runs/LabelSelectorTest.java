package dev.ratchet.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A workdir's runs are chosen by {@code -l} as a cluster would choose them. */
class LabelSelectorTest {

  private static final Map<String, String> LABELS =
      Map.of("experiment", "transition", "ratchet.dev/seed", "7");

  private static boolean selects(String selector, Map<String, String> labels) throws Exception {
    return LabelSelector.parse(selector).matches(labels);
  }

  @Test
  void equalityInequalityAndPresenceAreAllRequired() throws Exception {
    assertThat(selects("experiment=transition", LABELS)).isTrue();
    assertThat(selects("experiment==transition", LABELS)).isTrue();
    assertThat(selects("experiment = transition, ratchet.dev/seed=7", LABELS)).isTrue();
    assertThat(selects("experiment=transition,ratchet.dev/seed=8", LABELS)).isFalse();
    assertThat(selects("experiment!=baseline", LABELS)).isTrue();
    assertThat(selects("experiment!=transition", LABELS)).isFalse();
    assertThat(selects("ratchet.dev/seed", LABELS)).isTrue();
    assertThat(selects("!ratchet.dev/seed", LABELS)).isFalse();
    assertThat(selects("!owner", LABELS)).isTrue();
  }

  @Test
  void aRunWithoutLabelsMatchesOnlyWhatAsksForAbsence() throws Exception {
    assertThat(selects("experiment", null)).isFalse();
    assertThat(selects("experiment!=transition", null)).isTrue();
    assertThat(selects("!experiment", Map.of())).isTrue();
  }

  @Test
  void aSelectorItCannotReadIsNamedWithTheFormsItReads() {
    assertThatThrownBy(() -> LabelSelector.parse("experiment in (a,b)"))
        .isInstanceOf(RunSourceException.class)
        .hasMessageContaining("-l experiment in (a,b): cannot read 'experiment in (a'")
        .hasMessageContaining("key=value, key!=value, key or !key");
    assertThatThrownBy(() -> LabelSelector.parse("experiment=a,"))
        .hasMessageContaining("cannot read ''");
  }
}

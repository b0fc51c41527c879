package dev.ratchet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratchet.api.v1alpha1.RunState;
import org.junit.jupiter.api.Test;

/** The label people see (kubectl, metrics) is the state's JSON value in the status. */
class RunStateTest {

  @Test
  void labelIsTheJsonValue() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (RunState state : RunState.values()) {
      assertThat(json.writeValueAsString(state)).isEqualTo("\"" + state.label() + "\"");
    }
    assertThat(RunState.ROLLING_BACK.label()).isEqualTo("RollingBack");
  }
}

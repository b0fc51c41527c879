package dev.ratchet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.AlphaEntropyTarget;
import dev.ratchet.api.v1alpha1.CheckpointsSpec;
import dev.ratchet.api.v1alpha1.EarlyStoppingSpec;
import dev.ratchet.api.v1alpha1.EnvironmentSpec;
import dev.ratchet.api.v1alpha1.EvaluationSpec;
import dev.ratchet.api.v1alpha1.ExternalEnvironmentSpec;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import dev.ratchet.api.v1alpha1.MetricCondition;
import dev.ratchet.api.v1alpha1.MoeSpec;
import dev.ratchet.api.v1alpha1.PhaseSpec;
import dev.ratchet.api.v1alpha1.StorageSpec;
import dev.ratchet.api.v1alpha1.TrainingRunSpec;
import dev.ratchet.api.v1alpha1.UntilSpec;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every field of the CRD says what it is for, and every default the schema declares is the one the
 * Java classes start with, so the API server and Ratchet's code never disagree.
 */
class SchemaDocumentationTest {

  private final ObjectMapper mapper = new ObjectMapper();

  private JsonNode schema() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(Files.readString(CrdDriftTest.COMMITTED_CRD))
        .at("/spec/versions/0/schema/openAPIV3Schema");
  }

  @Test
  void everyFieldHasADescription() throws Exception {
    List<String> undocumented = new ArrayList<>();
    CrdReference.walk(
        schema(),
        (path, node) -> {
          if (path.contains(".") && node.path("description").asText("").isBlank()) {
            undocumented.add(path);
          }
        });
    assertThat(undocumented).as("fields without @JsonPropertyDescription").isEmpty();
  }

  @Test
  void schemaDefaultsAreTheJavaDefaults() throws Exception {
    JsonNode javaDefaults = mapper.valueToTree(fullyPopulatedDefaults());
    List<String> checked = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    CrdReference.walk(
        schema(),
        (path, node) -> {
          if (!path.startsWith("spec.") || !node.has("default")) {
            return;
          }
          JsonNode javaValue = javaDefaults;
          for (String segment : path.substring("spec.".length()).split("\\.")) {
            javaValue = javaValue.path(segment.replace("[]", ""));
            if (segment.endsWith("[]")) {
              javaValue = javaValue.path(0);
            }
          }
          checked.add(path);
          JsonNode declared = node.path("default");
          boolean same =
              declared.isNumber() && javaValue.isNumber()
                  ? declared.asDouble() == javaValue.asDouble()
                  : declared.equals(javaValue);
          if (!same) {
            mismatches.add(path + ": schema " + declared + ", Java " + javaValue);
          }
        });
    assertThat(checked).hasSizeGreaterThan(40);
    assertThat(mismatches).isEmpty();
  }

  /** A spec whose optional blocks are all present with their own defaults. */
  private static TrainingRunSpec fullyPopulatedDefaults() {
    TrainingRunSpec spec = new TrainingRunSpec();
    spec.environment = new EnvironmentSpec();
    spec.environment.external = new ExternalEnvironmentSpec();
    spec.checkpoints = new CheckpointsSpec();
    spec.checkpoints.storage = new StorageSpec();
    spec.earlyStopping = new EarlyStoppingSpec();
    spec.rollback = new ManualRollbackSpec();
    spec.evaluation = new EvaluationSpec();
    PhaseSpec phase = new PhaseSpec();
    phase.until = new UntilSpec();
    phase.until.anyOf.add(new MetricCondition());
    phase.until.allOf.add(new MetricCondition());
    phase.moe = new MoeSpec();
    phase.moe.alphaEntropyTarget = new AlphaEntropyTarget();
    spec.phases.add(phase);
    return spec;
  }
}

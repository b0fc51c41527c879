package dev.ratchet.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD is a valid apiextensions.k8s.io/v1 CustomResourceDefinition that an API server
 * accepts, and every example can then be created there as a TrainingRun.
 */
@EnableKubernetesMockClient(crud = true)
class CrdOnApiServerTest {

  static KubernetesClient client;

  @Test
  void committedCrdIsAcceptedAndEveryExampleCanBeCreated() throws IOException {
    CustomResourceDefinition crd = loadCommittedCrd();
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getMetadata().getName()).isEqualTo(TrainingRun.CRD_NAME);
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("tr");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo(TrainingRun.VERSION);
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName())
        .containsExactly(
            "State", "Phase", "Episode", "Score", "AlphaEntropy", "Best", "Rollbacks", "Age");

    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(TrainingRun.CRD_NAME)
                .get())
        .isNotNull();

    List<Path> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
    for (Path example : examples) {
      TrainingRun run = Serialization.unmarshal(Files.readString(example), TrainingRun.class);
      client.resources(TrainingRun.class).inNamespace("research").resource(run).create();
    }

    List<TrainingRun> stored =
        client.resources(TrainingRun.class).inNamespace("research").list().getItems();
    assertThat(stored)
        .extracting(r -> r.getMetadata().getName())
        .contains("cartpole-quickstart", "dungeon-moe", "intercept-lstm");
    TrainingRun dungeon =
        client.resources(TrainingRun.class).inNamespace("research").withName("dungeon-moe").get();
    assertThat(dungeon.getSpec().phases).hasSize(3);
    assertThat(dungeon.getSpec().model.experts).isEqualTo(4);
  }

  static CustomResourceDefinition loadCommittedCrd() throws IOException {
    try (InputStream in = Files.newInputStream(CrdDriftTest.COMMITTED_CRD)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> listing = Files.list(Path.of("..", "examples"))) {
      return listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}

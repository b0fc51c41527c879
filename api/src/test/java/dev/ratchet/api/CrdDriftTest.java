package dev.ratchet.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratchet.api.v1alpha1.TrainingRun;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed CRD under crds/ must be exactly what the TrainingRun classes generate. */
class CrdDriftTest {

  static final Path COMMITTED_CRD = Path.of("..", "crds", "trainingruns.ratchet.dev-v1.yml");

  @Test
  void committedCrdMatchesTheClasses(@TempDir Path out) throws Exception {
    int generated =
        new CRDGenerator()
            .customResourceClasses(TrainingRun.class)
            .forCRDVersions("v1")
            .withParallelGenerationEnabled(false)
            .withMinQuotes(true)
            .withPostProcessor(new PrinterColumnOrder())
            .inOutputDir(out.toFile())
            .generate();
    assertThat(generated).isEqualTo(1);

    String yaml = Files.readString(out.resolve(COMMITTED_CRD.getFileName()));
    new GeneratedFile(
            COMMITTED_CRD,
            "./mvnw -pl api test -Dtest=CrdDriftTest -Dratchet.update-generated=true")
        .assertUpToDate(yaml);
  }

  /** Keeps kubectl's columns in the order the class declares them (the generator sorts them). */
  static final class PrinterColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String version) {
      List<String> declared =
          Arrays.stream(TrainingRun.class.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      ((CustomResourceDefinition) crd)
          .getSpec()
          .getVersions()
          .forEach(
              v ->
                  v.getAdditionalPrinterColumns()
                      .sort(
                          Comparator.comparingInt(
                              (CustomResourceColumnDefinition c) ->
                                  declared.indexOf(c.getName()))));
      return crd;
    }
  }
}

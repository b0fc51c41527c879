package dev.ratchet.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/trainingrun-reference.md is generated from the committed CRD and must not drift. */
class ReferenceDocTest {

  static final Path REFERENCE = Path.of("..", "docs", "trainingrun-reference.md");

  @Test
  void referenceDocMatchesTheCrd() throws Exception {
    String markdown =
        CrdReference.render(
            new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(CrdDriftTest.COMMITTED_CRD)));
    new GeneratedFile(
            REFERENCE,
            "./mvnw -pl api test -Dtest=ReferenceDocTest -Dratchet.update-generated=true")
        .assertUpToDate(markdown);
  }
}

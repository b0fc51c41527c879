package dev.ratchet.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each document under src/test/resources/invalid/ is wrong in one way, named on its first line as
 * {@code # expect: <field path>: <message>}; it must be rejected with exactly that message.
 */
class InvalidCorpusTest {

  static final Path CORPUS = Path.of("src", "test", "resources", "invalid");
  static final String EXPECT = "# expect: ";

  private final TrainingRunReader reader = new TrainingRunReader();

  static Stream<Path> corpus() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(CORPUS)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void documentIsRejectedWithTheFieldPathAndWhatIsExpected(Path file) throws IOException {
    String text = Files.readString(file);
    assertThat(text).as("%s starts with the expected message", file).startsWith(EXPECT);
    String expected = text.lines().findFirst().orElseThrow().substring(EXPECT.length());

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.valid()).as("%s is rejected", file.getFileName()).isFalse();
    assertThat(result.run()).isNull();
    assertThat(result.violations())
        .extracting(Violation::toString)
        .as("violations of %s", file.getFileName())
        .anySatisfy(message -> assertThat(message).startsWith(expected));
    assertThat(result.violations())
        .extracting(Violation::toString)
        .allSatisfy(
            message ->
                assertThat(message)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ")
                    .doesNotContain("com.fasterxml")
                    .doesNotContain("$."));
  }
}

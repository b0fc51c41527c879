package dev.ratchet.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One reading reports every mistake of a document: the schema's and the cross-field rules'
 * together, so that fixing the first kind does not reveal the second only on the next try.
 */
class TrainingRunReaderTest {

  private final TrainingRunReader reader = new TrainingRunReader();

  private static String quickstart() throws IOException {
    return Files.readString(Path.of("..", "examples", "cartpole-quickstart.yaml"));
  }

  @Test
  void aSchemaMistakeAndACrossFieldMistakeAreReportedTogether() throws IOException {
    String text =
        quickstart()
            .replace("gamma: 0.99", "gamma: 1.5") // the schema's maximum
            .replace("  - name: train\n", "  - name: train\n    routing: sparsemax\n"); // mlp

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.run()).isNull();
    assertThat(result.violations())
        .extracting(Violation::toString)
        .containsExactly(
            "spec.ppo.gamma: must be at most 1, got 1.5",
            "spec.phases[0].routing: sparsemax only applies to model.architecture moe; use"
                + " softmax or set the architecture");
  }

  @Test
  void aValueThatCannotBeReadSaysTheCrossFieldRulesWereNotCheckedAndListsEverySchemaMistake()
      throws IOException {
    String text =
        quickstart().replace("numEnvs: 8", "numEnvs: eight").replace("gamma: 0.99", "gamma: 1.5");

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.run()).isNull();
    assertThat(result.violations())
        .extracting(Violation::toString)
        .containsExactly(
            "spec.environment.numEnvs: must be of type integer, got string \"eight\"",
            "spec.ppo.gamma: must be at most 1, got 1.5",
            "(document): the cross-field rules were not checked, because"
                + " spec.environment.numEnvs cannot be read as int: fix the problems above and"
                + " validate again");
  }

  @Test
  void aRuleThatNeedsAMissingFieldIsSkippedWhileTheOtherRulesStillReport() throws IOException {
    String text =
        quickstart()
            .replaceAll("(?s)  environment:\n(    [^\n]*\n)+", "") // required; ppo's rule needs it
            .replace("  - name: train\n", "  - name: train\n    routing: sparsemax\n");

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.violations())
        .extracting(Violation::toString)
        .containsExactly(
            "spec.environment: is required (The environment the agent is trained in.)",
            "spec.phases[0].routing: sparsemax only applies to model.architecture moe; use"
                + " softmax or set the architecture");
  }

  @Test
  void aFieldTheSchemaRejectsIsNotJudgedAgainByTheCrossFieldRules() throws IOException {
    // Episode 0 breaks the schema's minimum and, after phase 0's 1000, the increasing gates.
    String text =
        quickstart()
            .replace(
                "  checkpoints:\n",
                "  - name: more\n    until:\n      episode: 0\n  checkpoints:\n");

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.violations())
        .extracting(Violation::toString)
        .containsExactly("spec.phases[1].until.episode: must be at least 1, got 0");
  }

  @Test
  void aRuleThatReadsARejectedFieldIsSkippedRatherThanReportingItsConsequence() throws IOException {
    // numEnvs 0 would make the minibatch rule's bound numEnvs × rolloutSteps = 0.
    String text = quickstart().replace("numEnvs: 8", "numEnvs: 0");

    TrainingRunReader.Result result = reader.read(text);

    assertThat(result.violations())
        .extracting(Violation::toString)
        .containsExactly("spec.environment.numEnvs: must be at least 1, got 0");
  }

  @Test
  void aValidDocumentIsReadIntoARun() throws IOException {
    TrainingRunReader.Result result = reader.read(quickstart());

    assertThat(result.violations()).isEmpty();
    assertThat(result.run().getSpec().ppo.gamma).isEqualTo(0.99);
  }
}

package dev.ratchet.core.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a TrainingRun document and checks it the way a cluster would: the CRD schema (types,
 * ranges, enums, unknown fields) and the cross-field rules of {@link SpecValidator}, reporting both
 * kinds of mistake together, so that fixing one kind does not reveal the other only on the next
 * try.
 */
public final class TrainingRunReader {

  /** Run names must leave room for the attempt suffix of pod names ({@code -a0001}). */
  static final int MAX_NAME_LENGTH = 52;

  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final SchemaValidator schemaValidator;
  private final SpecValidator specValidator = new SpecValidator();

  public TrainingRunReader() {
    this(CrdSchema.load());
  }

  public TrainingRunReader(CrdSchema schema) {
    this.schemaValidator = new SchemaValidator(schema);
  }

  /** The outcome of reading one document: the run when valid, else what is wrong with it. */
  public record Result(TrainingRun run, List<Violation> violations) {

    public boolean valid() {
      return violations.isEmpty();
    }
  }

  /** Parses and validates a YAML (or JSON) TrainingRun document. */
  public Result read(String text) {
    JsonNode document;
    try {
      document = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      return invalid(new Violation("(document)", "is not valid YAML: " + describe(e)));
    }
    if (document == null || !document.isObject()) {
      return invalid(new Violation("(document)", "must be a YAML mapping holding a TrainingRun"));
    }
    List<Violation> structural = new ArrayList<>(checkHeader(document));
    structural.addAll(schemaValidator.validate(document));
    List<Violation> violations = new ArrayList<>(structural);
    TrainingRun run;
    try {
      run = yaml.treeToValue(document, TrainingRun.class);
    } catch (JsonProcessingException e) {
      // A value of the wrong type (numEnvs: eight) leaves no spec to apply the cross-field rules
      // to; the schema's violations above still name every mistake it found.
      violations.add(notChecked(e));
      return new Result(null, List.copyOf(violations));
    }
    if (run.getSpec() != null) {
      violations.addAll(
          structural.isEmpty()
              ? specValidator.validate(run.getSpec())
              : specValidator.validateDespiteSchemaViolations(
                  run.getSpec(), structural.stream().map(Violation::path).toList()));
    }
    return new Result(violations.isEmpty() ? run : null, List.copyOf(violations));
  }

  /** Validates a run already bound to classes, e.g. one received from the API server. */
  public List<Violation> validate(TrainingRun run) {
    return specValidator.validate(run.getSpec());
  }

  private static List<Violation> checkHeader(JsonNode document) {
    List<Violation> violations = new ArrayList<>();
    String apiVersion = document.path("apiVersion").asText("");
    if (!TrainingRun.API_VERSION.equals(apiVersion)) {
      violations.add(
          new Violation(
              "apiVersion", "must be " + TrainingRun.API_VERSION + ", got \"" + apiVersion + "\""));
    }
    String kind = document.path("kind").asText("");
    if (!TrainingRun.KIND.equals(kind)) {
      violations.add(new Violation("kind", "must be TrainingRun, got \"" + kind + "\""));
    }
    String name = document.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      violations.add(new Violation("metadata.name", "is required"));
    } else if (!DNS_LABEL.matcher(name).matches() || name.length() > MAX_NAME_LENGTH) {
      violations.add(
          new Violation(
              "metadata.name",
              "must be a lowercase DNS label of at most "
                  + MAX_NAME_LENGTH
                  + " characters (letters, digits, dashes), got \""
                  + name
                  + "\""));
    }
    return violations;
  }

  /** Says that, and why, the cross-field rules could not run on the document. */
  private static Violation notChecked(JsonProcessingException e) {
    String field = "";
    if (e instanceof JsonMappingException mapping) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        if (reference.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          path.append('[').append(reference.getIndex()).append(']');
        }
      }
      field = path.toString();
    }
    String type =
        e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
            ? " as " + mismatch.getTargetType().getSimpleName()
            : "";
    return new Violation(
        "(document)",
        "the cross-field rules were not checked, because "
            + (field.isEmpty() ? "the document" : field)
            + " cannot be read"
            + type
            + (field.isEmpty() ? " (" + describe(e) + ")" : "")
            + ": fix the problems above and validate again");
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    String problem = e.getOriginalMessage().lines().findFirst().orElse("unreadable");
    return where == null
        ? problem
        : "line " + where.getLineNr() + ", column " + where.getColumnNr() + ": " + problem;
  }

  private static Result invalid(Violation violation) {
    return new Result(null, List.of(violation));
  }
}

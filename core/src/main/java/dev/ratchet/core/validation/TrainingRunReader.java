package dev.ratchet.core.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratchet.api.v1alpha1.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a TrainingRun document and checks it the way a cluster would: the CRD schema first (types,
 * ranges, enums, unknown fields), then the cross-field rules of {@link SpecValidator}.
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
    List<Violation> violations = new ArrayList<>(checkHeader(document));
    violations.addAll(schemaValidator.validate(document));
    if (!violations.isEmpty()) {
      return new Result(null, List.copyOf(violations));
    }
    TrainingRun run;
    try {
      run = yaml.treeToValue(document, TrainingRun.class);
    } catch (JsonProcessingException e) {
      return invalid(new Violation("(document)", "cannot be read: " + describe(e)));
    }
    violations.addAll(specValidator.validate(run.getSpec()));
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

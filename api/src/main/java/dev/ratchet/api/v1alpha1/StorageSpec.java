package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** An S3 location; credentials come only from a Secret, never from the spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @Pattern("^https?://.+")
  @JsonPropertyDescription("S3 endpoint URL; defaults to the operator's configured endpoint.")
  public String endpoint;

  @Default(DEFAULT_BUCKET)
  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  @JsonPropertyDescription(
      "Bucket name (3-63 lowercase letters, digits, dots and dashes); created on first use.")
  public String bucket = DEFAULT_BUCKET;

  /** The bucket of a run that names none. */
  public static final String DEFAULT_BUCKET = "ratchet-checkpoints";

  @Default("ratchet")
  @Pattern("^[A-Za-z0-9._/-]*$")
  @JsonPropertyDescription("Key prefix under which NAMESPACE/RUN/checkpoints/ is written.")
  public String prefix = "ratchet";

  @JsonPropertyDescription(
      "Secret with accessKey and secretKey; defaults to the operator's configured Secret.")
  public String credentialsSecret;

  @Default("us-east-1")
  @JsonPropertyDescription("S3 region.")
  public String region = "us-east-1";
}

package dev.ratchet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A rollback the user asks for; a new nonce asks for exactly one more. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManualRollbackSpec {

  @Default("best")
  @Pattern("^(best|ep-[0-9]{9}-a[0-9]{4})$")
  @JsonPropertyDescription("best, or a checkpoint id such as ep-000001200-a0004.")
  public String to = "best";

  @Required
  @Pattern("^.{1,63}$")
  @JsonPropertyDescription(
      "Any new value asks for one rollback; the same value again does nothing.")
  public String nonce;
}

package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ratchet.api.v1alpha1.ManualRollbackSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code WORKDIR/RUN/rollback.yaml}: the local mode's {@code spec.rollback}. {@code ratchet
 * rollback --workdir} writes it; a running {@code ratchet local run} reads it every poll, and a
 * later one at start, so that the nonce asks for exactly one rollback as on a cluster.
 */
public final class RollbackRequestFile {

  private final Path file;
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public RollbackRequestFile(Path file) {
    this.file = file;
  }

  /** The request written last, or null when none was ever made. */
  public ManualRollbackSpec read() throws IOException {
    return Files.exists(file) ? yaml.readValue(file.toFile(), ManualRollbackSpec.class) : null;
  }

  /** Replaces the request in one step, so the running supervisor never reads half of it. */
  public void write(ManualRollbackSpec request) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    yaml.writeValue(tmp.toFile(), request);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

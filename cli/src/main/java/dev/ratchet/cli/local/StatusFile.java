package dev.ratchet.cli.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ratchet.api.v1alpha1.TrainingRunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code WORKDIR/RUN/status.yaml}: the run's status in the resource's shape, kept across runs. */
public final class StatusFile {

  private final Path file;
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public StatusFile(Path file) {
    this.file = file;
  }

  /** The status written last, or null for a run never started here. */
  public TrainingRunStatus read() throws IOException {
    return Files.exists(file) ? yaml.readValue(file.toFile(), TrainingRunStatus.class) : null;
  }

  /** Replaces the file in one step, so a reader never sees half a status. */
  public void write(TrainingRunStatus status) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    yaml.writeValue(tmp.toFile(), status);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

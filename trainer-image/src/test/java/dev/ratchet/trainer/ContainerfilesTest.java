package dev.ratchet.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GPU image cannot be built here (no registry, no GPU), so its recipe is checked against what
 * the build really ships: the PyTorch version of the engine's native library, a JNI library for its
 * CUDA flavor in the jar, and the same runtime layout as the CPU image (which the e2e tests build
 * and run under the operator's pod settings).
 */
class ContainerfilesTest {

  private static final Path CPU = Path.of("Containerfile");
  private static final Path GPU = Path.of("Containerfile.gpu");

  @Test
  void theGpuRecipeAsksForThePyTorchVersionTheTrainerWasBuiltWith() throws IOException {
    Properties shipped = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/native/lib/pytorch.properties")) {
      shipped.load(in);
    }
    String version = shipped.getProperty("version").replaceAll("-.*", ""); // 2.7.1-20250812

    assertThat(arg(GPU, "PYTORCH_VERSION")).isEqualTo(version);
  }

  @Test
  void theTrainersJniHasALibraryForTheGpuRecipesCudaFlavor() throws IOException {
    String flavor = arg(GPU, "PYTORCH_FLAVOR");

    assertThat(flavor).matches("cu\\d+");
    assertThat(getClass().getResource("/jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
        .as("DJL's JNI for " + flavor + " in the trainer jar")
        .isNotNull();
    assertThat(Files.readString(GPU))
        .contains("--index-url https://download.pytorch.org/whl/${PYTORCH_FLAVOR}")
        .contains("torch==${PYTORCH_VERSION}");
  }

  @Test
  void bothImagesPrepareTheEngineAndRunTheTrainerTheSameWay() throws IOException {
    for (Path file : List.of(CPU, GPU)) {
      String text = Files.readString(file);
      assertThat(text)
          .as(file.toString())
          .contains("DJL_CACHE_DIR=/opt/ratchet/djl-cache")
          .contains("java -jar /opt/ratchet/ratchet-trainer.jar --prepare-engine")
          .contains("chmod -R a+rX /opt/ratchet")
          .contains("USER 1000:1000")
          .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/ratchet/ratchet-trainer.jar\"]");
    }
  }

  @Test
  void theGpuRecipesLibraryPathIsWhereItsBasesPythonInstallsTorch() throws IOException {
    String text = Files.readString(GPU);
    Matcher base = Pattern.compile("ARG BASE=docker.io/library/ubuntu:(\\S+)").matcher(text);
    assertThat(base.find()).isTrue();
    // Ubuntu 24.04's python3 is 3.12; another base needs another path
    assertThat(base.group(1)).isEqualTo("24.04");
    assertThat(text)
        .contains("PYTORCH_LIBRARY_PATH=/opt/torch/lib/python3.12/site-packages/torch/lib");
  }

  private static String arg(Path file, String name) throws IOException {
    Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(Files.readString(file));
    assertThat(m.find()).as(name + " in " + file).isTrue();
    return m.group(1);
  }
}

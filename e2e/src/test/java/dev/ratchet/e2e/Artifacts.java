package dev.ratchet.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The packaged programs the end-to-end tests run, as the build leaves them. */
final class Artifacts {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private Artifacts() {}

  /** The trainer's fat jar (the trainer image's content). */
  static Path trainerJar() throws IOException {
    try (Stream<Path> jars = Files.list(ROOT.resolve("trainer-image/target"))) {
      return jars.filter(p -> p.getFileName().toString().matches("ratchet-trainer-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("build the trainer jar first: ./mvnw package"));
    }
  }

  /** The packaged operator (Quarkus fast-jar). */
  static Path operatorJar() {
    return requireBuilt(ROOT.resolve("operator/target/quarkus-app/quarkus-run.jar"));
  }

  /** The {@code ratchet} command line. */
  static Path cliJar() {
    return requireBuilt(ROOT.resolve("cli/target/ratchet.jar"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path requireBuilt(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing: run ./mvnw package (or verify) first");
    }
    return jar;
  }
}

package io.trireme.hatest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The node image, built once per test JVM from the repository's {@code Dockerfile} and the freshly packaged
 * {@code node/target/trireme.jar}. The image is kept (not deleted on exit) so the next run reuses the JRE layer;
 * only the jar layer changes.
 */
final class NodeImage {
  private static final Logger LOG = LoggerFactory.getLogger(NodeImage.class);
  static final String NAME = "trireme-hatest:latest";
  private static String built;

  private NodeImage() {}

  static synchronized String get() {
    if (built != null) return built;
    Path root = Path.of(System.getProperty("trireme.root", "..")).toAbsolutePath().normalize();
    Path jar = Path.of(System.getProperty("trireme.jar", root.resolve("node/target/trireme.jar").toString()));
    Path dockerfile = root.resolve("Dockerfile");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it with mvn -pl node -am package (the reactor does)");
    }
    if (!Files.isRegularFile(dockerfile)) throw new IllegalStateException(dockerfile + " is missing");
    long start = System.nanoTime();
    // the context holds exactly what the Dockerfile copies, so no other file of the tree is sent to the daemon
    String id = new ImageFromDockerfile(NAME, false)
        .withFileFromPath("Dockerfile", dockerfile)
        .withFileFromPath("node/target/trireme.jar", jar)
        .get();
    LOG.info("node image {} ({}) built in {} ms", NAME, id,
        Duration.ofNanos(System.nanoTime() - start).toMillis());
    built = NAME;
    return built;
  }
}

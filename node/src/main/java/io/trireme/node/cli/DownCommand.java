package io.trireme.node.cli;

import io.trireme.node.Logging;
import io.trireme.node.cluster.ClusterLayout;
import io.trireme.node.cluster.LocalCluster;
import io.trireme.node.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trireme down}: stops the nodes of a local cluster; running it again does nothing. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the nodes of a local cluster (SIGTERM, then SIGKILL after a timeout).")
public final class DownCommand implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = ".trireme", paramLabel = "<dir>", description = "cluster directory (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--timeout", defaultValue = "20", paramLabel = "<seconds>",
      description = "how long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    Logging.forCli();
    try {
      if (!ClusterLayout.exists(dir)) {
        System.out.println("nothing to stop: no cluster in " + dir.toAbsolutePath().normalize());
        return 0;
      }
      new LocalCluster(ClusterLayout.load(dir)).stop(Duration.ofSeconds(timeoutSeconds), System.out::println);
      return 0;
    } catch (ConfigException | IOException e) {
      System.err.println("trireme down: " + e.getMessage());
      return 1;
    }
  }
}

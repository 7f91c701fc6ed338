package io.trireme.node.cli;

import io.trireme.node.Logging;
import io.trireme.node.config.ConfigException;
import io.trireme.node.config.NodeConfig;
import io.trireme.node.config.NodeConfigFile;
import io.trireme.node.runtime.NodeRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trireme node --config <file>}: runs one node in this process until SIGTERM/SIGINT. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one node in this process (stops gracefully on SIGTERM).")
public final class NodeCommand implements Callable<Integer> {
  /** Exit code for a configuration that cannot be used. */
  public static final int BAD_CONFIG = 2;

  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Option(names = "--config", required = true, paramLabel = "<file>", description = "the node's node.yaml")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    NodeConfig nodeConfig;
    try {
      nodeConfig = NodeConfigFile.load(config);
    } catch (ConfigException e) {
      System.err.println("trireme node: bad config: " + e.getMessage());
      return BAD_CONFIG;
    }
    Logging.forNode(nodeConfig.name());
    AtomicReference<NodeRuntime> running = new AtomicReference<>();
    Thread hook = new Thread(() -> {
      NodeRuntime n = running.get();
      if (n != null) n.close();
    }, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    NodeRuntime node;
    try {
      node = NodeRuntime.start(nodeConfig);
    } catch (IOException | RuntimeException e) {
      LOG.error("failed to start: {}", e.toString(), e);
      return 1;
    }
    running.set(node);
    node.awaitStopped();
    return 0;
  }
}

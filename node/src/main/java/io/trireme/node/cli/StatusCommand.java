package io.trireme.node.cli;

import io.trireme.node.Logging;
import io.trireme.node.cluster.ClusterLayout;
import io.trireme.node.cluster.LocalCluster;
import io.trireme.node.config.ConfigException;
import io.trireme.node.config.HostPort;
import io.trireme.node.probe.ClusterProbe;
import io.trireme.node.probe.ClusterStatus;
import io.trireme.node.probe.NodeStatusProbe;
import io.trireme.node.config.NodeConfig;
import io.trireme.node.config.StatusSection;
import io.trireme.node.probe.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trireme status}: what the cluster's members report about themselves. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show members, store leader, raft term, revision, VIP owner and health.")
public final class StatusCommand implements Callable<Integer> {

  static final class Source {
    @Option(names = "--dir", paramLabel = "<dir>", description = "local cluster directory (default: .trireme)")
    Path dir;

    @Option(names = "--endpoints", split = ",", paramLabel = "<host:port>", description = "etcd API endpoints")
    List<String> endpoints;
  }

  @ArgGroup(exclusive = true)
  Source source;

  @Option(names = "--timeout", defaultValue = "5", paramLabel = "<seconds>",
      description = "per-call timeout (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    Logging.forCli();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    List<Target> targets;
    try {
      targets = targets(timeout);
    } catch (ConfigException | IOException | IllegalArgumentException e) {
      System.err.println("trireme status: " + e.getMessage());
      return 2;
    }
    ClusterStatus status;
    try (ClusterProbe probe = new ClusterProbe(targets, timeout)) {
      status = probe.probe(true);
    }
    List<NodeStatusProbe.Answer> nodes = NodeStatusProbe.probe(statusEndpoints(targets), timeout);
    StatusReport.of(status, nodes).print(System.out);
    return status.leaderId().isPresent() ? 0 : 1;
  }

  private List<Target> targets(Duration timeout) throws ConfigException, IOException {
    if (source != null && source.endpoints != null) {
      List<HostPort> endpoints = source.endpoints.stream().map(StatusCommand::endpoint).toList();
      return ClusterProbe.discover(endpoints, timeout);
    }
    Path dir = source != null && source.dir != null ? source.dir : Path.of(".trireme");
    return new LocalCluster(ClusterLayout.load(dir)).targets();
  }

  /** Each node's status endpoint: from its node.yaml with --dir, else port 2381 on the member's host. */
  private List<HostPort> statusEndpoints(List<Target> targets) {
    if (source == null || source.endpoints == null) {
      try {
        Path dir = source != null && source.dir != null ? source.dir : Path.of(".trireme");
        return ClusterLayout.load(dir).nodes().stream().map(NodeConfig::statusListen).toList();
      } catch (ConfigException | IOException e) {
        // fall through to the defaults
      }
    }
    return targets.stream().map(t -> new HostPort(t.clientAddress().host(), StatusSection.DEFAULT_PORT)).toList();
  }

  /** Accepts {@code host:port} and etcdctl-style {@code http://host:port}. */
  static HostPort endpoint(String text) {
    String s = text.trim();
    if (s.startsWith("http://")) s = s.substring("http://".length());
    if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return HostPort.parse(s);
  }
}

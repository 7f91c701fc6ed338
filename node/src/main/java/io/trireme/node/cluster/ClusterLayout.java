package io.trireme.node.cluster;

import io.trireme.node.config.ConfigException;
import io.trireme.node.config.HostPort;
import io.trireme.node.config.MemberEntry;
import io.trireme.node.config.NodeConfig;
import io.trireme.node.config.NodeConfigFile;
import io.trireme.node.config.StoreSection;
import java.io.IOException;
import java.nio.file.Files;
import io.trireme.node.config.VipSection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cluster on this machine kept in one directory: {@code <dir>/<node>/node.yaml}, {@code node.log} and
 * {@code pid} per node, the node's state beside them.
 */
public record ClusterLayout(Path dir, List<NodeConfig> nodes) {
  public static final String CONFIG_FILE = "node.yaml";
  public static final String LOG_FILE = "node.log";
  public static final int CLIENT_PORT = 2379;
  public static final int RAFT_PORT = 2380;

  public ClusterLayout {
    dir = dir.toAbsolutePath().normalize();
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) throw new IllegalArgumentException("a cluster needs at least one node");
  }

  /** The default loopback addresses for {@code n} nodes: 127.0.0.11, .12, ... */
  public static List<String> defaultAddresses(int n) {
    if (n < 1 || n > 200) throw new IllegalArgumentException("--nodes must be in 1..200, got " + n);
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add("127.0.0." + (10 + i));
    return out;
  }

  /** A fresh cluster on the default VIP 127.0.0.100. */
  public static ClusterLayout plan(Path dir, List<String> addresses) {
    return plan(dir, addresses, VipSection.DEFAULT_ADDRESS);
  }

  /**
   * A fresh cluster: nodes {@code node1..nodeN} on the given addresses with the default ports, the VIP on
   * {@code vip} (loopback mode) with a new random advert key shared by all nodes.
   */
  public static ClusterLayout plan(Path dir, List<String> addresses, String vip) {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    VipSection vipSection = VipSection.loopback(vip, Base64.getEncoder().encodeToString(key));
    Path abs = dir.toAbsolutePath().normalize();
    List<MemberEntry> members = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      String host = addresses.get(i);
      members.add(new MemberEntry("node" + (i + 1), new HostPort(host, RAFT_PORT), new HostPort(host, CLIENT_PORT)));
    }
    List<NodeConfig> nodes = members.stream()
        .map(m -> new NodeConfig(m.name(), abs.resolve(m.name()),
            StoreSection.listening(m.clientAddress(), m.raftAddress()), members).withVip(vipSection))
        .toList();
    nodes.forEach(NodeConfig::vipConfig); // a bad VIP is an error now, not when the nodes start
    return new ClusterLayout(abs, nodes);
  }

  /** Whether {@code dir} already holds a cluster (any {@code <dir>/<node>/node.yaml}). */
  public static boolean exists(Path dir) throws IOException {
    return !configFiles(dir).isEmpty();
  }

  /** Reads every {@code <dir>/<node>/node.yaml}, in name order. */
  public static ClusterLayout load(Path dir) throws IOException, ConfigException {
    List<Path> files = configFiles(dir);
    if (files.isEmpty()) throw new ConfigException(dir + ": no */" + CONFIG_FILE + " here; is this a cluster directory?");
    List<NodeConfig> nodes = new ArrayList<>();
    for (Path f : files) nodes.add(NodeConfigFile.load(f));
    return new ClusterLayout(dir, nodes);
  }

  private static List<Path> configFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(c -> c.resolve(CONFIG_FILE)).filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Writes every node's {@code node.yaml}, readable only by its owner (it holds the VIP advert key). */
  public void writeConfigs() throws IOException {
    for (NodeConfig n : nodes) NodeConfigFile.write(configFile(n), n);
  }

  /**
   * Where clients reach the cluster: the VIP frontend of the first node that has one, else the first node's
   * load balancer frontend (a single-node cluster elects no VIP).
   */
  public HostPort clientFrontend() {
    NodeConfig first = nodes.get(0);
    HostPort vip = first.vipFrontend();
    return vip != null && first.vipConfig() != null ? vip : first.lbListen();
  }

  public Path nodeDir(NodeConfig node) {
    return dir.resolve(node.name());
  }

  public Path configFile(NodeConfig node) {
    return nodeDir(node).resolve(CONFIG_FILE);
  }

  public Path logFile(NodeConfig node) {
    return nodeDir(node).resolve(LOG_FILE);
  }

  /** The pid file: the one the node itself writes into its data directory. */
  public Path pidFile(NodeConfig node) {
    return node.pidFile();
  }

  public List<MemberEntry> members() {
    return nodes.get(0).members();
  }
}

package io.trireme.hatest;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import io.grpc.StatusRuntimeException;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.node.config.HostPort;
import io.trireme.node.probe.EtcdEndpoint;
import io.trireme.node.probe.MemberStatus;
import io.trireme.node.runtime.ClusterCaStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Three (or {@link ClusterPlan#size()}) node containers on a Docker network of their own with fixed addresses and
 * NET_ADMIN/NET_RAW, started together. On {@link #close()} each node's whole output (across restarts) is saved to
 * {@code target/hatest-logs/<prefix>/<node>.log}.
 * Ryuk is off here, so {@link #close()} removes the containers and the network itself, and {@link #start} first
 * removes whatever an aborted earlier run of the same plan left.
 */
final class ContainerCluster implements AutoCloseable {
  /** Label on every container and network the drills create (value: the plan's prefix). */
  static final String LABEL = "io.trireme.hatest";
  private static final Logger LOG = LoggerFactory.getLogger(ContainerCluster.class);
  private static final Duration STARTUP = Duration.ofSeconds(180);

  private final ClusterPlan plan;
  private final DockerClient docker;
  private final Network network;
  private final List<NodeContainer> nodes;
  private final Map<String, EtcdEndpoint> endpoints = new HashMap<>();

  private ContainerCluster(ClusterPlan plan, DockerClient docker, Network network, List<NodeContainer> nodes) {
    this.plan = plan;
    this.docker = docker;
    this.network = network;
    this.nodes = nodes;
  }

  static ContainerCluster start(ClusterPlan plan) {
    DockerClient docker = DockerClientFactory.instance().client();
    removeLeftovers(docker, plan);
    String image = NodeImage.get();
    Network network = Network.builder()
        .createNetworkCmdModifier(cmd -> cmd
            .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(plan.subnet())))
            .withLabels(Map.of(LABEL, plan.prefix())))
        .build();
    List<NodeContainer> nodes = new ArrayList<>();
    for (int i : plan.indexes()) {
      String name = plan.name(i);
      String ip = plan.ip(i);
      GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
          .withNetwork(network)
          .withLabel(LABEL, plan.prefix())
          .withCreateContainerCmdModifier(cmd -> {
            cmd.withIpv4Address(ip).withHostName(name);
            cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW);
          })
          .withCopyToContainer(Transferable.of(plan.nodeYaml(i)), ClusterPlan.CONFIG_FILE)
          .waitingFor(Wait.forLogMessage(".*ready: etcd API listening.*\\n", 1).withStartupTimeout(STARTUP))
          .withStartupAttempts(1);
      nodes.add(new NodeContainer(name, ip, c, docker));
    }
    ContainerCluster cluster = new ContainerCluster(plan, docker, network, nodes);
    try {
      // together: a node's store only settles once a quorum is up
      Startables.deepStart(nodes.stream().map(NodeContainer::container)).join();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info("cluster {} started: {}", plan.subnet(), nodes);
    return cluster;
  }

  ClusterPlan plan() {
    return plan;
  }

  List<NodeContainer> nodes() {
    return nodes;
  }

  NodeContainer node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  /** A plaintext gRPC endpoint to the node's etcd API (kept open until {@link #close()}). */
  synchronized EtcdEndpoint etcd(NodeContainer node) {
    return endpoints.computeIfAbsent(node.name(),
        n -> new EtcdEndpoint(new HostPort(node.ip(), ClusterPlan.CLIENT_PORT)));
  }

  /** The store leader's node name, as the given node reports it; empty if it does not answer or knows none. */
  Optional<String> storeLeaderSeenBy(NodeContainer node) {
    try {
      MemberStatus s = etcd(node).status(Duration.ofSeconds(2));
      if (!s.hasLeader()) return Optional.empty();
      if (s.isLeader()) return Optional.of(node.name());
      for (NodeContainer other : nodes) {
        try {
          if (etcd(other).status(Duration.ofSeconds(2)).memberId() == s.leaderId()) return Optional.of(other.name());
        } catch (StatusRuntimeException e) {
          // that member does not answer: it cannot be the leader this node names, unless it just died
        }
      }
      return Optional.empty();
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /** Waits until every given node names the same store leader; returns it. */
  String awaitStoreLeader(List<NodeContainer> among, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Optional<String>> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = among.stream().map(this::storeLeaderSeenBy).toList();
      if (seen.stream().allMatch(Optional::isPresent) && seen.stream().distinct().count() == 1) {
        return seen.get(0).orElseThrow();
      }
      Thread.sleep(200); // poll interval
    }
    throw new AssertionError("no store leader agreed by " + among + " within " + timeout + "; last seen " + seen);
  }

  /** The cluster CA the nodes agreed on, from a node's {@code <dataDir>/cluster-ca.pem}. */
  CertifiedKey clusterCa(NodeContainer from) {
    return ClusterCaStore.decode(from.readFile(ClusterPlan.DATA_DIR + "/cluster-ca.pem"));
  }

  @Override
  public void close() {
    endpoints.values().forEach(EtcdEndpoint::close);
    endpoints.clear();
    Path logDir = Path.of("target", "hatest-logs", plan.prefix());
    for (NodeContainer n : nodes) {
      try {
        if (n.id() != null) {
          Files.createDirectories(logDir);
          Files.writeString(logDir.resolve(n.name() + ".log"), n.logs());
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not save the log of {}: {}", n, e.toString());
      }
      try {
        n.container().stop(); // removes the container and its volumes
      } catch (RuntimeException e) {
        LOG.warn("could not remove {}: {}", n, e.toString());
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      LOG.warn("could not remove network {}: {}", plan.subnet(), e.toString());
    }
  }

  private static void removeLeftovers(DockerClient docker, ClusterPlan plan) {
    Map<String, String> label = Map.of(LABEL, plan.prefix());
    docker.listContainersCmd().withShowAll(true).withLabelFilter(label).exec().forEach(c -> {
      LOG.warn("removing container {} left by an earlier run", c.getId());
      docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
    });
    docker.listNetworksCmd().withFilter("label", List.of(LABEL + "=" + plan.prefix())).exec().forEach(n -> {
      LOG.warn("removing network {} left by an earlier run", n.getName());
      docker.removeNetworkCmd(n.getId()).exec();
    });
  }
}

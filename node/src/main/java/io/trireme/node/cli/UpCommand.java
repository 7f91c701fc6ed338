package io.trireme.node.cli;

import io.trireme.node.Logging;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.node.cluster.AddressCheck;
import io.trireme.node.cluster.AdminKubeconfig;
import io.trireme.node.cluster.ClusterLayout;
import io.trireme.node.cluster.LocalCluster;
import io.trireme.node.cluster.NodeLauncher;
import io.trireme.node.config.ConfigException;
import io.trireme.node.config.MemberEntry;
import io.trireme.node.config.VipSection;
import io.trireme.node.probe.EtcdEndpoint;
import io.trireme.node.probe.MemberReport;
import io.trireme.node.probe.Readiness;
import io.trireme.node.runtime.ClusterCaStore;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpClient;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trireme up}: a cluster on this machine, one OS process per node, on loopback addresses. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start a local cluster, one process per node, and wait until it has a leader.")
public final class UpCommand implements Callable<Integer> {
  private static final int LOG_TAIL_LINES = 40;

  @Option(names = "--nodes", paramLabel = "<n>", description = "number of nodes of a new cluster (default: 3)")
  Integer nodes;

  @Option(names = "--dir", defaultValue = ".trireme", paramLabel = "<dir>",
      description = "cluster directory; an existing one is reused with its node.yaml files (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--addresses", split = ",", paramLabel = "<ip>",
      description = "loopback addresses of a new cluster's nodes (default: 127.0.0.11, .12, ...)")
  List<String> addresses;

  @Option(names = "--vip", paramLabel = "<ip>",
      description = "loopback VIP of a new cluster (default: 127.0.0.100)")
  String vip;

  @Option(names = "--detach", description = "return once the cluster has a leader and the apiserver in admin.conf is ready, leaving it running")
  boolean detach;

  @Option(names = "--timeout", defaultValue = "90", paramLabel = "<seconds>",
      description = "how long to wait for a leader (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--stop-timeout", defaultValue = "20", paramLabel = "<seconds>",
      description = "on stop, how long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE})")
  int stopTimeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    Logging.forCli();
    LocalCluster cluster;
    try {
      cluster = new LocalCluster(layout());
      Map<String, ProcessHandle> running = cluster.running();
      if (!running.isEmpty()) {
        System.err.println("trireme up: " + cluster.layout().dir() + " already has running nodes: "
            + running.entrySet().stream().map(e -> e.getKey() + " (pid " + e.getValue().pid() + ")")
                .collect(Collectors.joining(", "))
            + "; stop them with: trireme down --dir " + cluster.layout().dir());
        return 1;
      }
      List<String> taken = AddressCheck.unavailableFor(cluster.layout());
      if (!taken.isEmpty()) {
        System.err.println("trireme up: cannot listen where the nodes must (another cluster on these addresses?): "
            + String.join("; ", taken));
        return 1;
      }
    } catch (ConfigException | IOException | IllegalArgumentException e) {
      System.err.println("trireme up: " + e.getMessage());
      return 2;
    }

    Map<String, Process> processes;
    try {
      processes = cluster.start(NodeLauncher.likeThisJvm(), System.out::println);
    } catch (IOException e) {
      System.err.println("trireme up: cannot start a node: " + e.getMessage());
      stopQuietly(cluster);
      return 1;
    }
    Thread stopOnExit = new Thread(() -> {
      System.out.println("stopping the cluster ...");
      stopQuietly(cluster);
    }, "stop-cluster");
    Runtime.getRuntime().addShutdownHook(stopOnExit);

    Readiness.Outcome outcome = Readiness.awaitLeader(cluster.targets(), processes,
        Duration.ofSeconds(timeoutSeconds), System.out::println);
    if (!(outcome instanceof Readiness.Outcome.Ready ready)) {
      reportFailure(cluster, outcome);
      return 1; // the shutdown hook stops the nodes
    }
    Path kubeconfig = cluster.layout().dir().resolve(AdminKubeconfig.FILE);
    String failure = writeAdminConf(cluster, kubeconfig, System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos());
    if (failure != null) {
      System.err.println("trireme up: " + failure);
      return 1; // the shutdown hook stops the nodes
    }
    printUsage(cluster, ready.status().leaderName().orElse("?"), kubeconfig);
    if (detach) {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
      System.out.println("detached; stop it with: trireme down --dir " + cluster.layout().dir());
      return 0;
    }
    System.out.println("running in the foreground; Ctrl-C stops the cluster");
    CompletableFuture.allOf(processes.entrySet().stream().map(e -> e.getValue().onExit().thenAccept(p ->
        System.out.println(e.getKey() + " exited with code " + p.exitValue()))).toArray(CompletableFuture[]::new))
        .join();
    return 0;
  }

  /**
   * Reads the cluster CA from the store, writes {@code admin.conf} and waits until {@code /readyz} through it
   * answers 200.
   *
   * @return null on success, otherwise what failed
   */
  private static String writeAdminConf(LocalCluster cluster, Path file, long deadline) throws InterruptedException {
    // the VIP frontend: the load balancer of whichever node owns the VIP
    String server = "https://" + cluster.layout().clientFrontend();
    Optional<CertifiedKey> ca = Optional.empty();
    String why = "no member answered";
    while (ca.isEmpty()) {
      for (var member : cluster.layout().members()) {
        try (EtcdEndpoint endpoint = new EtcdEndpoint(member.clientAddress())) {
          ca = ClusterCaStore.read(endpoint.channel(), Duration.ofSeconds(3));
          if (ca.isPresent()) break;
          why = ClusterCaStore.KEY + " not in the store yet";
        } catch (StatusRuntimeException e) {
          why = member.name() + ": " + EtcdEndpoint.describe(e);
        }
      }
      if (ca.isPresent()) break;
      if (System.nanoTime() > deadline) return "cannot read the cluster CA from the store: " + why;
      Thread.sleep(500); // poll interval between store reads
    }
    AdminKubeconfig admin = AdminKubeconfig.issue(server, ca.get());
    try {
      admin.write(file);
    } catch (IOException e) {
      return "cannot write " + file + ": " + e.getMessage();
    }
    System.out.println("wrote " + file + " (user " + AdminKubeconfig.USER + ", server " + server + ")");
    HttpClient http = admin.httpClient(Duration.ofSeconds(3));
    String notReady;
    while ((notReady = admin.notReadyReason(http, Duration.ofSeconds(5))) != null) {
      if (System.nanoTime() > deadline) return "apiserver " + server + " not ready: " + notReady;
      Thread.sleep(500); // poll interval between readyz probes
    }
    return null;
  }

  private ClusterLayout layout() throws IOException, ConfigException {
    if (ClusterLayout.exists(dir)) {
      ClusterLayout existing = ClusterLayout.load(dir);
      if (nodes != null && nodes != existing.nodes().size()) {
        throw new IllegalArgumentException(dir + " already holds a " + existing.nodes().size()
            + "-node cluster; --nodes " + nodes + " does not match (use another --dir)");
      }
      if (addresses != null && !addresses.equals(existing.members().stream()
          .map(m -> m.clientAddress().host()).toList())) {
        throw new IllegalArgumentException(dir + " already holds a cluster on other addresses; edit its node.yaml"
            + " files or use another --dir");
      }
      if (vip != null && !vip.equals(existing.nodes().get(0).vip() == null ? null
          : existing.nodes().get(0).vip().addressOrDefault())) {
        throw new IllegalArgumentException(dir + " already holds a cluster with another VIP; edit its node.yaml"
            + " files or use another --dir");
      }
      System.out.println("reusing the cluster in " + existing.dir());
      return existing;
    }
    List<String> ips = addresses != null ? addresses : ClusterLayout.defaultAddresses(nodes == null ? 3 : nodes);
    if (nodes != null && nodes != ips.size()) {
      throw new IllegalArgumentException("--nodes " + nodes + " but " + ips.size() + " --addresses");
    }
    ClusterLayout fresh = ClusterLayout.plan(dir, ips, vip == null ? VipSection.DEFAULT_ADDRESS : vip);
    fresh.writeConfigs();
    System.out.println("created a " + ips.size() + "-node cluster in " + fresh.dir());
    return fresh;
  }

  private void reportFailure(LocalCluster cluster, Readiness.Outcome outcome) {
    List<String> suspects = List.of();
    if (outcome instanceof Readiness.Outcome.NodeExited exited) {
      System.err.println("trireme up: " + exited.node() + " exited with code " + exited.exitCode());
      suspects = List.of(exited.node());
    } else if (outcome instanceof Readiness.Outcome.TimedOut timedOut) {
      System.err.println("trireme up: no leader known to all members after " + timeoutSeconds + " s");
      suspects = timedOut.last().members().stream()
          .filter(m -> !m.reachable() || !m.status().hasLeader())
          .map(m -> m.target().name()).toList();
      if (suspects.isEmpty()) suspects = timedOut.last().members().stream().map(m -> m.target().name()).toList();
      for (MemberReport m : timedOut.last().members()) {
        System.err.println("  " + m.target().name() + ": " + (m.reachable()
            ? "answers, leader " + (m.status().hasLeader() ? Long.toHexString(m.status().leaderId()) : "unknown")
            : "does not answer (" + m.error() + ")"));
      }
    }
    for (String node : suspects) {
      System.err.println("---- last lines of " + cluster.layout().dir().resolve(node).resolve(ClusterLayout.LOG_FILE));
      System.err.println(cluster.logTail(node, LOG_TAIL_LINES));
    }
  }

  private static void printUsage(LocalCluster cluster, String leader, Path kubeconfig) {
    String endpoints = cluster.layout().members().stream().map(MemberEntry::clientAddress).map(Object::toString)
        .collect(Collectors.joining(","));
    System.out.println("cluster is up: " + cluster.layout().nodes().size() + " nodes, store leader " + leader
        + ", clients at https://" + cluster.layout().clientFrontend());
    System.out.println("etcd endpoints: " + endpoints);
    System.out.println("try: ETCDCTL_API=3 etcdctl --endpoints=" + endpoints + " member list");
    System.out.println("     trireme status --dir " + cluster.layout().dir());
    System.out.println("     kubectl --kubeconfig " + kubeconfig + " get ns");
  }

  private void stopQuietly(LocalCluster cluster) {
    try {
      cluster.stop(Duration.ofSeconds(stopTimeoutSeconds), System.out::println);
    } catch (IOException e) {
      System.err.println("trireme up: while stopping: " + e.getMessage());
    }
  }
}

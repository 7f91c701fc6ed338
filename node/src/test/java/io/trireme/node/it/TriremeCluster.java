package io.trireme.node.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A cluster started with {@code bin/trireme up --detach} in a fresh temp directory, on loopback addresses
 * chosen by the test class. {@link #close()} stops everything it or the test started, also on failure.
 *
 * <p>With {@code -Dtrireme.it.reference=etcd} the same scenarios run against real etcd members laid out the
 * same way (pid and log per node), to check the tests' expectations against the system we replace.
 */
final class TriremeCluster implements AutoCloseable {
  static final Duration UP_TIMEOUT = Duration.ofSeconds(180);

  private final Path root;
  private final Path dir;
  private final List<String> addresses;
  private final List<Process> restarted = new ArrayList<>();
  private final boolean reference = "etcd".equals(System.getProperty("trireme.it.reference"));

  private TriremeCluster(Path root, Path dir, List<String> addresses) {
    this.root = root;
    this.dir = dir;
    this.addresses = List.copyOf(addresses);
  }

  /** The repository root, as failsafe passes it. */
  static Path root() {
    String r = System.getProperty("trireme.root");
    if (r == null) throw new IllegalStateException("system property trireme.root is not set (run through failsafe)");
    Path p = Path.of(r).toAbsolutePath();
    if (!"etcd".equals(System.getProperty("trireme.it.reference")) && !Files.isRegularFile(p.resolve("node/target/trireme.jar"))) {
      throw new IllegalStateException(p + "/node/target/trireme.jar is missing; run `mvn package` first");
    }
    return p;
  }

  /** Starts a cluster of {@code addresses.size()} nodes in a new temp directory. */
  static TriremeCluster up(String name, List<String> addresses) throws IOException {
    Path base = Path.of(System.getProperty("trireme.test.tmp", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(base);
    TriremeCluster c = new TriremeCluster(root(), Files.createTempDirectory(base, name + "-"), addresses);
    try {
      c.upAgain();
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** {@code bin/trireme up --detach} on this cluster's directory (a restart when it exists). */
  Cmd.Result upAgain() {
    if (reference) return startEtcd();
    Cmd.Result r = trireme("up", "--detach", "--timeout", "150", "--dir", dir.toString(), "--addresses",
        String.join(",", addresses), "--vip", vip());
    if (!r.ok()) throw new AssertionError("trireme up failed: " + r);
    return r;
  }

  Cmd.Result trireme(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("bin/trireme").toString());
    cmd.addAll(List.of(args));
    return Cmd.run(cmd, Map.of(), null, UP_TIMEOUT);
  }

  Path dir() {
    return dir;
  }

  /**
   * This cluster's own loopback VIP, beside its nodes so that test clusters never share one: the first address
   * with the last octet's units replaced by 9 (127.0.1.41 -> 127.0.1.49).
   */
  String vip() {
    String first = addresses.get(0);
    int dot = first.lastIndexOf('.');
    int last = Integer.parseInt(first.substring(dot + 1));
    return first.substring(0, dot + 1) + (last / 10 * 10 + 9);
  }

  List<String> nodes() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= addresses.size(); i++) names.add("node" + i);
    return names;
  }

  String endpoint(String node) {
    return addresses.get(Integer.parseInt(node.substring("node".length())) - 1) + ":2379";
  }

  List<String> endpointList() {
    return nodes().stream().map(this::endpoint).toList();
  }

  String endpoints() {
    return String.join(",", endpointList());
  }

  String endpointsExcept(String node) {
    return nodes().stream().filter(n -> !n.equals(node)).map(this::endpoint).collect(Collectors.joining(","));
  }

  Etcdctl etcdctl() {
    return new Etcdctl(endpoints());
  }

  long pid(String node) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(node).resolve("pid")).trim());
  }

  boolean isRunning(String node) {
    try {
      return Files.exists(dir.resolve(node).resolve("pid"))
          && ProcessHandle.of(pid(node)).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill9(String node) throws IOException {
    ProcessHandle p = ProcessHandle.of(pid(node)).orElseThrow(() -> new AssertionError(node + " is not running"));
    p.destroyForcibly();
    p.onExit().join();
  }

  /** SIGKILL to every node at once, then wait until all are gone. */
  void kill9All() throws IOException {
    List<ProcessHandle> handles = new ArrayList<>();
    for (String n : nodes()) ProcessHandle.of(pid(n)).ifPresent(handles::add);
    handles.forEach(ProcessHandle::destroyForcibly);
    handles.forEach(h -> h.onExit().join());
  }

  /** {@code bin/trireme node --config <dir>/<node>/node.yaml} in the background, as a person would. */
  void restart(String node) {
    if (reference) {
      restarted.add(etcd(node));
      return;
    }
    List<String> cmd = List.of(root.resolve("bin/trireme").toString(), "node", "--config",
        dir.resolve(node).resolve("node.yaml").toString());
    restarted.add(Cmd.background(cmd, Map.of(), dir.resolve(node).resolve("node.log")));
  }

  /** The current store leader as {@code etcdctl endpoint status} reports it (all members must agree). */
  Optional<String> leader() {
    return leaderOf(etcdctl(), addresses.size());
  }

  private Optional<String> leaderOf(Etcdctl etcdctl, int expectedMembers) {
    Cmd.Result r = etcdctl.run("endpoint", "status", "-w", "json");
    if (!r.ok()) return Optional.empty();
    JsonNode all;
    try {
      all = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    } catch (IOException e) {
      return Optional.empty();
    }
    if (all.size() != expectedMembers) return Optional.empty();
    long leaderId = Etcdctl.id(all.get(0).path("Status").path("leader"));
    for (JsonNode s : all) {
      if (Etcdctl.id(s.path("Status").path("leader")) != leaderId) return Optional.empty();
    }
    for (JsonNode s : all) {
      if (Etcdctl.id(s.path("Status").path("header").path("member_id")) == leaderId) {
        String ep = s.path("Endpoint").asText();
        return nodes().stream().filter(n -> endpoint(n).equals(ep)).findFirst();
      }
    }
    return Optional.empty();
  }

  String awaitLeader() {
    return await("a leader all members agree on").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(this::leader, Optional::isPresent).orElseThrow();
  }

  /** A leader that the members behind {@code endpoints} agree on (for when one member is down). */
  String awaitLeaderAmong(String someEndpoints) {
    Etcdctl some = etcdctl().on(someEndpoints);
    int expected = someEndpoints.split(",").length;
    return await("a leader among " + someEndpoints).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .until(() -> leaderOf(some, expected), Optional::isPresent).orElseThrow();
  }

  /** Every endpoint reports healthy to {@code etcdctl endpoint health}. */
  void awaitHealthy() {
    await("all endpoints healthy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> etcdctl().run("endpoint", "health").ok());
  }

  String log(String node) {
    try {
      return Files.readString(dir.resolve(node).resolve("node.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** True when the scenarios run against real etcd ({@code -Dtrireme.it.reference=etcd}). */
  boolean isReference() {
    return reference;
  }

  private Cmd.Result startEtcd() {
    for (String n : nodes()) {
      if (!isRunning(n)) restarted.add(etcd(n));
    }
    awaitHealthy();
    return new Cmd.Result(List.of("etcd"), 0, "", "");
  }

  private Process etcd(String node) {
    String host = endpoint(node).split(":")[0];
    String initial = nodes().stream().map(n -> n + "=http://" + endpoint(n).split(":")[0] + ":2380")
        .collect(Collectors.joining(","));
    List<String> cmd = List.of("etcd", "--name", node, "--data-dir", dir.resolve(node).resolve("etcd").toString(),
        "--listen-client-urls", "http://" + host + ":2379", "--advertise-client-urls", "http://" + host + ":2379",
        "--listen-peer-urls", "http://" + host + ":2380", "--initial-advertise-peer-urls", "http://" + host + ":2380",
        "--initial-cluster", initial, "--initial-cluster-token", dir.getFileName().toString());
    try {
      Files.createDirectories(dir.resolve(node));
      Process p = Cmd.background(cmd, Map.of(), dir.resolve(node).resolve("node.log"));
      Files.writeString(dir.resolve(node).resolve("pid"), p.pid() + "\n");
      return p;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (reference) {
      for (String n : nodes()) {
        try {
          ProcessHandle.of(pid(n)).ifPresent(ProcessHandle::destroy);
        } catch (IOException | NumberFormatException e) {
          // never started
        }
      }
    } else {
      trireme("down", "--dir", dir.toString(), "--timeout", "20");
    }
    for (Process p : restarted) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.onExit().join();
      }
    }
    deleteStoreData();
  }

  /** Keeps node.yaml and node.log of every node for a post-mortem; the bulk (Raft log, snapshots) goes. */
  private void deleteStoreData() {
    for (String n : nodes()) {
      for (String data : List.of("store", "etcd")) {
        Path p = dir.resolve(n).resolve(data);
        if (!Files.isDirectory(p)) continue;
        try (var walk = Files.walk(p)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
          // best effort: a leftover temp dir is harmless
        }
      }
    }
    try {
      Files.deleteIfExists(dir.resolve("snapshot.db"));
    } catch (IOException e) {
      // best effort
    }
  }
}

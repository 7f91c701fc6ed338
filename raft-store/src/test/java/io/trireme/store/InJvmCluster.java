package io.trireme.store;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** Three (or N) store members in this JVM on 127.0.0.1 with free ports, for *IT tests. */
public final class InJvmCluster implements AutoCloseable {
  private final Path dir;
  private final List<StoreMember> members = new ArrayList<>();
  private final StoreServer[] servers;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final long snapshotEvery;
  private final Duration electionMin;
  private final Duration electionMax;

  /** N members with the production election timeouts (StoreConfig.defaults). */
  public InJvmCluster(int n, long snapshotEvery) throws IOException {
    this(n, snapshotEvery, null, null);
  }

  /**
   * N members with the given Raft election timeouts (null: the production defaults). Tests whose subject
   * is not timing use longer ones, so a starved CPU (three members and the build on two cores) does not
   * turn every scheduling hiccup into a leader change.
   */
  public InJvmCluster(int n, long snapshotEvery, Duration electionMin, Duration electionMax) throws IOException {
    this.dir = Files.createTempDirectory("trireme-store-it");
    this.snapshotEvery = snapshotEvery;
    this.electionMin = electionMin;
    this.electionMax = electionMax;
    for (int i = 1; i <= n; i++) {
      members.add(new StoreMember("m" + i, new InetSocketAddress("127.0.0.1", freePort()),
          new InetSocketAddress("127.0.0.1", freePort())));
    }
    servers = new StoreServer[n];
    for (int i = 0; i < n; i++) start(i);
  }

  /**
   * A port below the kernel's ephemeral range (32768+), never handed out twice in this JVM: a port 0 pick could
   * return the same port twice, or a port an outgoing connection (or the store's warm-up group) takes before a
   * member restarts on it.
   */
  static int freePort() throws IOException {
    while (true) {
      int port = NEXT_PORT.getAndIncrement();
      if (port > 32000) throw new IOException("no free test port left below 32000");
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port), 1);
        return port;
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(8_000));

  public StoreConfig config(int i) {
    StoreConfig d = StoreConfig.defaults(members.get(i).name(), dir.resolve(members.get(i).name()), members);
    return new StoreConfig(d.self(), d.dataDir(), d.members(), d.clusterToken(),
        electionMin != null ? electionMin : d.electionTimeoutMin(),
        electionMax != null ? electionMax : d.electionTimeoutMax(), snapshotEvery, Duration.ofMillis(500),
        d.maxRequestBytes(), d.maxTxnOps());
  }

  public void start(int i) {
    try {
      servers[i] = StoreServer.start(config(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void stop(int i) {
    if (servers[i] != null) {
      servers[i].close();
      servers[i] = null;
    }
  }

  /** Stops member i and deletes its data directory. */
  public void wipe(int i) throws IOException {
    stop(i);
    try (Stream<Path> files = Files.walk(dir.resolve(members.get(i).name()))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  public StoreServer server(int i) {
    return servers[i];
  }

  public int size() {
    return servers.length;
  }

  public boolean isRunning(int i) {
    return servers[i] != null;
  }

  /** The indexes of the running members. */
  public List<Integer> running() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < servers.length; i++) {
      if (servers[i] != null) out.add(i);
    }
    return out;
  }

  /**
   * How many watchers member i's WatchHub holds. The hub is not on the public StoreServer surface, so
   * this reads RaftStoreServer's private field (a test-only peek; no hook in production code).
   */
  public int watcherCount(int i) {
    try {
      java.lang.reflect.Field f = servers[i].getClass().getDeclaredField("watches");
      f.setAccessible(true);
      return ((io.trireme.store.watch.WatchHub) f.get(servers[i])).size();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the watch hub of member " + i, e);
    }
  }

  public StoreMember member(int i) {
    return members.get(i);
  }

  public String endpoints() {
    return String.join(",", members.stream().map(m -> "127.0.0.1:" + m.clientAddress().getPort()).toList());
  }

  public ManagedChannel channel(int i) {
    ManagedChannel c = NettyChannelBuilder.forAddress(members.get(i).clientAddress()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    channels.add(c);
    return c;
  }

  public KVGrpc.KVBlockingStub kv(int i) {
    return KVGrpc.newBlockingStub(channel(i)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** Waits until every running member agrees on one leader; returns its index. */
  public int awaitLeader() {
    int[] leader = {-1};
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      Optional<String> name = Optional.empty();
      for (StoreServer s : servers) {
        if (s == null) continue;
        Optional<String> l = s.leaderName();
        if (l.isEmpty() || (name.isPresent() && !name.equals(l))) return false;
        name = l;
      }
      if (name.isEmpty()) return false;
      for (int i = 0; i < servers.length; i++) {
        if (servers[i] != null && members.get(i).name().equals(name.get()) && servers[i].isLeader()) {
          leader[0] = i;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /**
   * Waits until every running member has applied the same revision and returns it. Meant for moments
   * with no write in flight (otherwise "the same" is only a passing coincidence).
   */
  public long awaitSameRevision(Duration atMost) {
    long[] rev = {0};
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<Integer> up = running();
      long r = servers[up.get(0)].revision();
      for (int i : up) {
        if (servers[i].revision() != r) return false;
      }
      rev[0] = r;
      return true;
    });
    return rev[0];
  }

  public long status(int i) {
    return MaintenanceGrpc.newBlockingStub(channel(i)).status(StatusRequest.getDefaultInstance()).getLeader();
  }

  @Override
  public void close() throws IOException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (int i = 0; i < servers.length; i++) stop(i);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package io.trireme.node.runtime;

import io.grpc.ManagedChannel;
import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.ApiServerConfig;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.pki.Pki;
import io.trireme.node.cluster.PidFile;
import io.trireme.node.config.HostPort;
import io.trireme.node.config.NodeConfig;
import io.trireme.store.StoreConfig;
import io.trireme.store.StoreServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: writes its pid, starts its components in order and stops them in reverse order.
 * The store, the apiserver (over an in-process channel to the store, with the cluster CA agreed through the
 * store), the status endpoint, then the load balancer and the VIP agent; leader-only services come later.
 */
public final class NodeRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  private final NodeConfig config;
  private final PidFile pidFile;
  private final long pid = ProcessHandle.current().pid();
  /** How long a starting node waits for the store to agree on the cluster CA. */
  static final Duration CA_TIMEOUT = Duration.ofSeconds(60);
  /** This node's copy of the agreed cluster CA, under its data dir. */
  static final String CA_FILE = "cluster-ca.pem";

  private final CountDownLatch stopped = new CountDownLatch(1);
  private StoreServer store;
  private ManagedChannel apiStoreChannel;
  private ApiServer apiServer;
  private CertifiedKey ca;
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private StatusServer statusServer;
  private Frontend frontend;

  private NodeRuntime(NodeConfig config) {
    this.config = config;
    this.pidFile = new PidFile(config.pidFile());
  }

  /** Starts every component; on failure stops what was started and rethrows. */
  public static NodeRuntime start(NodeConfig config) throws IOException {
    NodeRuntime node = new NodeRuntime(config);
    try {
      node.startComponents();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void startComponents() throws IOException {
    Files.createDirectories(config.dataDir());
    pidFile.write(pid);
    StoreConfig storeConfig = config.storeConfig();
    LOG.info("starting store member {} (pid {}): etcd API {}, raft {}, data {}", storeConfig.self(), pid,
        storeConfig.selfMember().clientUrl(), storeConfig.selfMember().peerUrl(), storeConfig.dataDir());
    store = StoreServer.start(storeConfig);
    LOG.info("ready: etcd API listening on {}", storeConfig.selfMember().clientUrl());
    startApiServer();
    statusServer = StatusServer.start(config.statusListen(), this::status, metrics);
    frontend = Frontend.start(config, store, ca.certificate(), metrics);
    LOG.info("ready: load balancer on {} -> apiservers {}", HostPort.of(frontend.lbAddress()), config.apiServers());
  }

  private void startApiServer() throws IOException {
    apiStoreChannel = store.inProcessChannel();
    Pki pki = new Pki(Clock.systemUTC());
    ca = clusterCa(pki);
    HostPort listen = config.apiServerListen();
    ApiServerConfig apiConfig = ApiServerConfig.of(config.name(), listen.host(), listen.port(), ClusterCa.of(ca),
        servingNames(listen.host(), config));
    if (config.apiserver() != null && config.apiserver().tokenFile() != null) {
      apiConfig = apiConfig.withTokenFile(config.apiserver().tokenFile());
    }
    apiServer = new ApiServer(apiConfig, apiStoreChannel);
    try {
      apiServer.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the apiserver", e);
    }
    LOG.info("ready: apiserver listening on https://{}", HostPort.of(apiServer.address()));
  }

  /**
   * The cluster CA: the copy this node saved once it was agreed (it never changes, so a restarting node does not
   * need a store quorum to start), else agreed through the store and saved.
   */
  private CertifiedKey clusterCa(Pki pki) throws IOException {
    Path saved = config.dataDir().resolve(CA_FILE);
    if (Files.exists(saved)) {
      LOG.info("cluster CA from {}", saved);
      return ClusterCaStore.decode(Files.readString(saved));
    }
    CertifiedKey ca;
    try {
      ca = ClusterCaStore.agree(apiStoreChannel, () -> pki.newCa("trireme-ca", Duration.ofDays(3650)), CA_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while agreeing on the cluster CA", e);
    }
    Path tmp = saved.resolveSibling(CA_FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, ClusterCaStore.encode(ca));
    Files.move(tmp, saved, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return ca;
  }

  /** SANs of the serving certificate: every name a client may use to reach this node's apiserver. */
  static List<String> servingNames(String listenHost, NodeConfig config) {
    Set<String> names = new LinkedHashSet<>();
    names.add(listenHost);
    names.add(config.self().clientAddress().host());
    if (config.vip() != null) names.add(config.vip().addressOrDefault());
    names.addAll(List.of("127.0.0.1", "localhost", "kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
    names.remove("0.0.0.0");
    return List.copyOf(names);
  }

  /** What {@code GET /status} answers: this node's own view of the store, apiserver, load balancer and VIP. */
  Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", config.name());
    out.put("pid", pid);
    StoreServer s = store;
    if (s != null) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("role", s.isLeader() ? "leader" : s.leaderName().isPresent() ? "follower" : "no leader");
      st.put("leader", s.leaderName().orElse(null));
      st.put("revision", s.revision());
      long age = s.quorumContactAgeMillis();
      st.put("quorumContactAgeMs", age == Long.MAX_VALUE ? null : age);
      out.put("store", st);
    }
    ApiServer api = apiServer;
    if (api != null) {
      out.put("apiserver", Map.of("address", HostPort.of(api.address()).toString(), "bootstrapped",
          api.bootstrapped()));
    }
    Frontend f = frontend;
    if (f != null) {
      Map<String, Object> lb = new LinkedHashMap<>();
      lb.put("listen", HostPort.of(f.lbAddress()).toString());
      lb.put("activeConnections", f.activeConnections());
      lb.put("backends", f.backends().stream().map(b -> Map.of("address", b.address().toString(),
          "state", b.state().name(), "activeConnections", b.activeConnections())).toList());
      out.put("lb", lb);
      Map<String, Object> vip = new LinkedHashMap<>();
      vip.put("address", config.vip() == null ? null : config.vip().addressOrDefault());
      vip.put("frontend", config.vipFrontend() == null ? null : config.vipFrontend().toString());
      f.vip().ifPresentOrElse(agent -> {
        io.trireme.vip.election.ElectionState state = agent.state();
        vip.put("state", state.role().name());
        // may take the VIP now: a master, or a backup past its checks and hysteresis
        vip.put("eligible", state instanceof io.trireme.vip.election.ElectionState.Master
            || state instanceof io.trireme.vip.election.ElectionState.Backup b && b.eligible());
        vip.put("holds", agent.holdsVip());
        vip.put("owner", Frontend.name(agent.owner()));
        vip.put("priority", config.vipPriority());
      }, () -> vip.put("state", "DISABLED"));
      vip.put("failingChecks", f.health().failing());
      out.put("vip", vip);
    }
    return out;
  }

  public StoreServer store() {
    return store;
  }

  /** The running apiserver (null before start). */
  public ApiServer apiServer() {
    return apiServer;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** How long a stopping store leader waits for a follower to take over before it just stops. */
  private static final java.time.Duration HAND_OVER_LIMIT = java.time.Duration.ofSeconds(2);

  /** Stops the components in reverse start order; idempotent. */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) return;
    try {
      // A planned stop loses nothing when the others take over before this node stops serving. Two hand-overs
      // run at once, while the apiserver and the store still answer: the store leadership (a leader that just
      // stopped would cost the others an election timeout, and every apiserver's requests would wait for it),
      // and the VIP (priority-0 advert; connections that came in through it get a short drain).
      StoreServer s = store;
      java.util.concurrent.CompletableFuture<Boolean> storeHandOver = s == null
          ? java.util.concurrent.CompletableFuture.completedFuture(false)
          : java.util.concurrent.CompletableFuture.supplyAsync(() -> s.handOverLeadership(HAND_OVER_LIMIT));
      if (apiServer != null) {
        apiServer.stopAccepting(); // the load balancers send new connections elsewhere from now on
      }
      if (frontend != null) {
        LOG.info("stopping VIP agent and load balancer {}", config.name());
        frontend.close();
        frontend = null;
      }
      try {
        storeHandOver.get(HAND_OVER_LIMIT.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("store leadership hand-over did not finish: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (statusServer != null) {
        statusServer.close();
        statusServer = null;
      }
      if (apiServer != null) {
        LOG.info("stopping apiserver {}", config.name());
        apiServer.close();
        apiServer = null;
      }
      if (apiStoreChannel != null) {
        apiStoreChannel.shutdownNow();
        apiStoreChannel = null;
      }
      if (store != null) {
        LOG.info("stopping store member {}", config.name());
        store.close();
        store = null;
      }
      pidFile.deleteIfOwnedBy(pid);
      LOG.info("stopped");
    } catch (RuntimeException e) {
      LOG.error("error while stopping", e);
    } finally {
      stopped.countDown();
    }
  }
}

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: writes its pid, starts its components in order and stops them in reverse order.
 * Today that is the store, then the apiserver (over an in-process channel to the store, with the cluster CA
 * agreed through the store); the load balancer, VIP agent and leader-only services come later.
 */
public final class NodeRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  private final NodeConfig config;
  private final PidFile pidFile;
  private final long pid = ProcessHandle.current().pid();
  /** The VIP the serving certificate also names (the LB/VIP wiring binds it later). */
  public static final String VIP = "127.0.0.100";
  /** How long a starting node waits for the store to agree on the cluster CA. */
  static final Duration CA_TIMEOUT = Duration.ofSeconds(60);
  /** This node's copy of the agreed cluster CA, under its data dir. */
  static final String CA_FILE = "cluster-ca.pem";

  private final CountDownLatch stopped = new CountDownLatch(1);
  private StoreServer store;
  private ManagedChannel apiStoreChannel;
  private ApiServer apiServer;

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
  }

  private void startApiServer() throws IOException {
    apiStoreChannel = store.inProcessChannel();
    Pki pki = new Pki(Clock.systemUTC());
    CertifiedKey ca = clusterCa(pki);
    HostPort listen = config.apiServerListen();
    ApiServerConfig apiConfig = ApiServerConfig.of(config.name(), listen.host(), listen.port(), ClusterCa.of(ca),
        servingNames(listen.host()));
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
  static List<String> servingNames(String listenHost) {
    Set<String> names = new LinkedHashSet<>();
    names.add(listenHost);
    names.addAll(List.of("127.0.0.1", "localhost", VIP, "kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"));
    names.remove("0.0.0.0");
    return List.copyOf(names);
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

  /** Stops the components in reverse start order; idempotent. */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) return;
    try {
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

package io.trireme.node.runtime;

import io.trireme.node.cluster.PidFile;
import io.trireme.node.config.NodeConfig;
import io.trireme.store.StoreConfig;
import io.trireme.store.StoreServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: writes its pid, starts its components in order and stops them in reverse order.
 * Today that is the store; the apiserver, load balancer, VIP agent and leader-only services start after it.
 */
public final class NodeRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  private final NodeConfig config;
  private final PidFile pidFile;
  private final long pid = ProcessHandle.current().pid();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private StoreServer store;

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
  }

  public StoreServer store() {
    return store;
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

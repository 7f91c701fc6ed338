package io.trireme.store.server;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.trireme.store.StoreConfig;
import io.trireme.store.StoreServer;
import io.trireme.store.grpc.ClusterService;
import io.trireme.store.grpc.KvService;
import io.trireme.store.grpc.LeaseService;
import io.trireme.store.grpc.MaintenanceService;
import io.trireme.store.grpc.StoreContext;
import io.trireme.store.grpc.WatchService;
import io.trireme.store.lease.LeaseClock;
import io.trireme.store.raft.KvStateMachine;
import io.trireme.store.raft.Op;
import io.trireme.store.raft.RaftMember;
import io.trireme.store.watch.EventSource;
import io.trireme.store.watch.WatchHub;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one store member: state machine, Raft member, watch hub, lease expiry and the etcd gRPC API. */
public final class RaftStoreServer implements StoreServer {
  private static final Logger LOG = LoggerFactory.getLogger(RaftStoreServer.class);
  /** etcd's gRPC overhead allowance on top of --max-request-bytes. */
  private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;
  private static final int MAX_WATCHERS = 100_000;

  private final StoreConfig config;
  private final KvStateMachine stateMachine;
  private final RaftMember raft;
  private final WatchHub watches;
  private final LeaseClock leaseClock = new LeaseClock(System::nanoTime);
  private final ScheduledExecutorService leaseTimer;
  private final Set<Long> revoking = ConcurrentHashMap.newKeySet();
  private final String inProcessName;
  private Server grpc;
  private Server inProcess;

  private RaftStoreServer(StoreConfig config) throws IOException {
    this.config = config;
    Files.createDirectories(config.dataDir());
    this.stateMachine = new KvStateMachine(config.self(), leaseClock, config.maxTxnOps());
    this.raft = new RaftMember(config, stateMachine);
    StoreContext[] ctx = new StoreContext[1];
    this.watches = new WatchHub(new EventSource() {
      @Override
      public long revision() {
        return stateMachine.read(s -> s.revision());
      }

      @Override
      public long compactRevision() {
        return stateMachine.read(s -> s.compactRevision());
      }

      @Override
      public long readEvents(long from, int max, Consumer<Event> sink) {
        return stateMachine.read(s -> s.eventsFrom(from, max, sink));
      }

      @Override
      public ResponseHeader header(long revision) {
        return ctx[0].header(revision);
      }
    }, config.progressNotifyInterval(), MAX_WATCHERS, config.self());
    ctx[0] = new StoreContext(config, raft, stateMachine, watches, leaseClock);
    stateMachine.onCommit(watches::onCommit);
    this.inProcessName = "trireme-store-" + config.self() + "-" + System.identityHashCode(this);
    this.leaseTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, config.self() + "-lease-expiry");
      t.setDaemon(true);
      return t;
    });
    LeaseService leases = new LeaseService(ctx[0]);
    var services = java.util.List.of(
        new KvService(ctx[0]).bindService(),
        new WatchService(ctx[0]).bindService(),
        leases.definition(),
        new ClusterService(ctx[0]).bindService(),
        new MaintenanceService(ctx[0]).bindService());
    NettyServerBuilder nb = NettyServerBuilder.forAddress(config.selfMember().clientAddress())
        .maxInboundMessageSize(config.maxRequestBytes() + GRPC_OVERHEAD_BYTES)
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
    InProcessServerBuilder ib = InProcessServerBuilder.forName(inProcessName)
        .maxInboundMessageSize(config.maxRequestBytes() + GRPC_OVERHEAD_BYTES);
    services.forEach(s -> {
      nb.addService(s);
      ib.addService(s);
    });
    raft.internalServices().forEach(nb::addService); // the members' own calls, not part of etcd's API
    this.grpc = nb.build();
    this.inProcess = ib.build();
  }

  public static StoreServer start(StoreConfig config) throws IOException {
    RaftStoreServer s = new RaftStoreServer(config);
    try {
      s.raft.start();
      s.grpc.start();
      s.inProcess.start();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    s.leaseTimer.scheduleWithFixedDelay(s::expireLeases, 100, 100, TimeUnit.MILLISECONDS);
    LOG.info("{}: etcd API listening on {}", config.self(), config.selfMember().clientUrl());
    return s;
  }

  /** Only the leader decides that a lease expired; the revoke goes through the log like any write. */
  private void expireLeases() {
    try {
      if (!raft.isLeader()) return;
      for (long id : leaseClock.expired()) {
        if (!revoking.add(id)) continue;
        LOG.info("{}: lease {} expired; revoking", config.self(), Long.toHexString(id));
        raft.write(Op.LEASE_REVOKE, LeaseRevokeRequest.newBuilder().setID(id).build())
            .whenComplete((r, err) -> revoking.remove(id));
      }
    } catch (RuntimeException e) {
      LOG.debug("{}: lease expiry check skipped: {}", config.self(), e.toString());
    }
  }

  @Override
  public StoreConfig config() {
    return config;
  }

  @Override
  public ManagedChannel inProcessChannel() {
    return InProcessChannelBuilder.forName(inProcessName).directExecutor()
        .maxInboundMessageSize(64 * 1024 * 1024).build();
  }

  @Override
  public Optional<String> leaderName() {
    return raft.leader();
  }

  @Override
  public boolean isLeader() {
    return raft.isLeader();
  }

  @Override
  public long quorumContactAgeMillis() {
    return raft.quorumContactAgeMillis();
  }

  @Override
  public boolean handOverLeadership(java.time.Duration timeout) {
    return raft.handOverLeadership(timeout.toMillis());
  }

  @Override
  public long revision() {
    return stateMachine.read(s -> s.revision());
  }

  @Override
  public void close() {
    leaseTimer.shutdownNow();
    if (grpc != null) grpc.shutdownNow();
    if (inProcess != null) inProcess.shutdownNow();
    watches.close();
    raft.close();
    try {
      if (grpc != null) grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("{}: store member stopped", config.self());
  }
}

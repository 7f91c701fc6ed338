package io.trireme.node.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.trireme.lb.BackendAddress;
import io.trireme.lb.BackendState;
import io.trireme.lb.BackendStatus;
import io.trireme.lb.BalancingPolicy;
import io.trireme.lb.HealthCheckSettings;
import io.trireme.lb.LoadBalancer;
import io.trireme.lb.LoadBalancerConfig;
import io.trireme.lb.ReadinessProbe;
import io.trireme.node.config.HostPort;
import io.trireme.node.config.NodeConfig;
import io.trireme.store.StoreConfig;
import io.trireme.store.StoreServer;
import io.trireme.vip.VipAgent;
import io.trireme.vip.VipConfig;
import io.trireme.vip.address.FrontendBinding;
import io.trireme.vip.election.PeerId;
import io.trireme.vip.health.HealthCheck;
import io.trireme.vip.health.HealthGate;
import io.trireme.vip.health.HealthStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How clients reach the cluster through this node: the load balancer in front of every member's apiserver (its
 * node-local frontend always, the VIP frontend while this node owns the VIP) and the VIP agent that decides
 * ownership. The VIP is held only while three checks pass: the LB has a healthy backend, this node's own apiserver
 * passes the LB's {@code /readyz} check, and the node's store member is in contact with a store quorum.
 */
final class Frontend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Frontend.class);
  /**
   * A store member that has heard from no majority for longer than the store's maximum election timeout plus half
   * the minimum (1 s by default) counts as cut off. Shorter limits misfire: when the store leader dies the others
   * hear nothing until the first vote request, up to one election timeout later, and a node that gave up the VIP
   * is eligible again only after the hysteresis (2 s), so the VIP stayed away for 3 s after a kill; and on a loaded
   * 2-core machine heartbeats arrived up to 690 ms apart. So a cut-off VIP owner releases the VIP about 1 s after the
   * cut (a dead or paused one stops advertising at once and is replaced after about 3 adverts).
   */
  private final long quorumMaxAgeMs;
  /**
   * Limit of one {@code /readyz} check (connect, TLS, answer): /readyz reads the store linearizably, which took over
   * 1 s on a 2-core machine at load 25, marking every apiserver down at once; 2 s is kube-apiserver's own etcd
   * health-check timeout. A refused connection still fails at once.
   */
  static final java.time.Duration READYZ_TIMEOUT = java.time.Duration.ofSeconds(2);
  /** How often the quorum contact is sampled; a change re-evaluates the VIP health gate at once. */
  private static final long QUORUM_POLL_MS = 25;

  private final NodeConfig config;
  private final LoadBalancer lb;
  private final BackendAddress ownApiServer;
  private final StoreServer store;
  private final Map<InetAddress, InetSocketAddress> vipSockets = new ConcurrentHashMap<>();
  private final ScheduledExecutorService quorumWatch;
  private final HealthGate gate;
  private volatile boolean quorum;
  private volatile VipAgent vip;
  private volatile boolean closing;
  /** How long the LB and apiserver checks may fail before the VIP gate counts them (see {@link #afterGrace}). */
  static final long BACKEND_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** On a planned stop: how long connections that came in through the VIP may finish after the hand-over. */
  static final long DRAIN_MS = 500;

  private Frontend(NodeConfig config, LoadBalancer lb, StoreServer store) {
    this.config = config;
    this.lb = lb;
    this.store = store;
    this.ownApiServer = backend(config.apiServerListen());
    this.quorumWatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quorum-watch");
      t.setDaemon(true);
      return t;
    });
    StoreConfig storeConfig = config.storeConfig();
    this.quorumMaxAgeMs = storeConfig.electionTimeoutMax().toMillis() + storeConfig.electionTimeoutMin().toMillis() / 2;
    this.quorum = store.quorumContactAgeMillis() <= quorumMaxAgeMs;
    this.gate = HealthGate.of(
        HealthCheck.of("lb-backend", afterGrace(lb::hasHealthyBackend)),
        HealthCheck.of("apiserver", afterGrace(this::ownApiServerUp)),
        HealthCheck.of("store-quorum", () -> quorum));
  }

  /** Starts the LB on {@code config.lbListen()}, then (with a VIP section and peers) the VIP agent. */
  static Frontend start(NodeConfig config, StoreServer store, X509Certificate ca, MeterRegistry registry) {
    List<BackendAddress> backends = config.apiServers().stream().map(Frontend::backend).toList();
    LoadBalancerConfig lbConfig = LoadBalancerConfig.of(backend(config.lbListen()), backends)
        .withPolicy(config.lb() != null && "leastconn".equals(config.lb().balance())
            ? BalancingPolicy.LEAST_CONNECTIONS : BalancingPolicy.ROUND_ROBIN)
        .withHealthCheck(HealthCheckSettings.DEFAULTS.withReadiness(ReadinessProbe.readyz(ca))
            .withTiming(HealthCheckSettings.DEFAULTS.interval(), READYZ_TIMEOUT, HealthCheckSettings.DEFAULTS.rise(),
                HealthCheckSettings.DEFAULTS.fall()))
        .withIoThreads(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
    LoadBalancer lb = new LoadBalancer(lbConfig, registry, Clock.systemUTC());
    lb.start();
    Frontend frontend = new Frontend(config, lb, store);
    try {
      frontend.startVip(registry);
    } catch (RuntimeException e) {
      frontend.close();
      throw e;
    }
    return frontend;
  }

  private void startVip(MeterRegistry registry) {
    VipConfig vipConfig = config.vipConfig();
    if (vipConfig == null) {
      LOG.info("no VIP on this node ({}); clients use the LB at {}", config.vip() == null ? "no vip section"
          : "single-member cluster", config.lbListen());
      return;
    }
    FrontendBinding binding = new FrontendBinding() {
      @Override
      public void bind(InetAddress address) throws IOException {
        vipSockets.put(address, lb.bind(new InetSocketAddress(address, config.lbListen().port())));
      }

      @Override
      public void unbind(InetAddress address) {
        InetSocketAddress bound = vipSockets.remove(address);
        if (bound == null) return;
        // a planned stop lets connections in flight finish (closed with FIN when the LB closes); losing health or
        // the election resets them so that clients reconnect to the new owner at once
        if (closing) lb.release(bound); else lb.unbind(bound);
      }
    };
    VipAgent agent = VipAgent.create(vipConfig, gate, binding, registry, new VipAgent.Listener() {
      @Override
      public void onBecomeMaster() {
        LOG.info("now the VIP owner: clients reach the cluster at https://{}", config.vipFrontend());
      }

      @Override
      public void onBecomeBackup() {
        LOG.info("no longer the VIP owner");
      }
    });
    vip = agent;
    agent.start();
    quorumWatch.scheduleWithFixedDelay(this::sampleQuorum, QUORUM_POLL_MS, QUORUM_POLL_MS, TimeUnit.MILLISECONDS);
  }

  private void sampleQuorum() {
    try {
      boolean now = store.quorumContactAgeMillis() <= quorumMaxAgeMs;
      if (now != quorum) {
        quorum = now;
        LOG.info("store quorum contact {}", now ? "regained" : "lost");
        VipAgent agent = vip;
        if (agent != null) agent.recheckHealth();
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot sample the store's quorum contact: {}", e.toString());
    }
  }

  /**
   * A check that counts as failed only once it has failed for {@link #BACKEND_GRACE_NANOS} without a break.
   * Every apiserver's /readyz fails while the store elects a new leader (up to about a second after the leader
   * dies), on every node at once; without the grace every node would give up the VIP (and wait out the
   * hysteresis) exactly when the VIP owner had died. A dead local apiserver still moves the VIP within about 3 s
   * (LB check: 0.5-1 s, plus the grace), against 30 s with kubeadm's keepalived recipe.
   */
  private static java.util.function.BooleanSupplier afterGrace(java.util.function.BooleanSupplier check) {
    // NEVER_PASSED: a node that just started gets no grace; it is eligible only once its checks have passed (and
    // then after the hysteresis), so it first hears the current owner's adverts instead of racing it
    final long neverPassed = Long.MIN_VALUE;
    java.util.concurrent.atomic.AtomicLong failingSince = new java.util.concurrent.atomic.AtomicLong(neverPassed);
    return () -> {
      if (check.getAsBoolean()) {
        failingSince.set(-1);
        return true;
      }
      if (failingSince.get() == neverPassed) return false;
      long now = System.nanoTime();
      failingSince.compareAndSet(-1, now);
      return now - failingSince.get() < BACKEND_GRACE_NANOS;
    };
  }

  private boolean ownApiServerUp() {
    return lb.backends().stream().anyMatch(b -> b.address().equals(ownApiServer) && b.state() == BackendState.UP);
  }

  private static BackendAddress backend(HostPort hp) {
    return new BackendAddress(hp.host(), hp.port());
  }

  /** The LB's node-local frontend. */
  InetSocketAddress lbAddress() {
    return lb.localAddress();
  }

  List<BackendStatus> backends() {
    return lb.backends();
  }

  int activeConnections() {
    return lb.activeConnections();
  }

  boolean quorumContact() {
    return quorum;
  }

  /** The VIP agent (empty when this node runs no VIP). */
  Optional<VipAgent> vip() {
    return Optional.ofNullable(vip);
  }

  /** Why this node may not hold the VIP now (empty list: healthy). */
  HealthStatus health() {
    return gate.status();
  }

  static String name(Optional<PeerId> peer) {
    return peer.map(PeerId::name).orElse(null);
  }

  /**
   * Graceful: the VIP owner hands over at once (address released, priority-0 advert), its connections get
   * {@link #DRAIN_MS} to finish, then the LB closes them (FIN; clients reconnect to the new owner).
   */
  @Override
  public void close() {
    closing = true;
    quorumWatch.shutdownNow();
    VipAgent agent = vip;
    if (agent != null) {
      boolean held = agent.holdsVip();
      agent.close();
      if (held) {
        try {
          Thread.sleep(DRAIN_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    lb.close();
  }
}

package io.trireme.lb;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A health-checked TCP load balancer: accepts clients on {@code listen} and relays each connection to one healthy
 * backend. Long-lived streams are never cut by an idle timeout.
 *
 * <pre>{@code
 * LoadBalancer lb = new LoadBalancer(LoadBalancerConfig.of("127.0.0.1:16443", List.of("127.0.0.11:6443"))).start();
 * lb.updateBackends(newMembers);   // membership changed, no restart
 * lb.bind(vip); lb.unbind(vip);    // also serve the VIP while this node owns it
 * lb.backends();                   // for status
 * lb.close();
 * }</pre>
 */
public final class LoadBalancer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancer.class);
    private static final long SHUTDOWN_QUIET_MILLIS = 0;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

    private final LoadBalancerConfig config;
    private final String name;
    private final Transport transport;
    private final LoadBalancerMetrics metrics;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final BackendPool pool;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private EventLoopGroup ioGroup;
    private HealthChecker checker;
    private FrontendListeners listeners;
    private InetSocketAddress primary;
    private boolean started;
    private boolean closed;

    /** A balancer with its own meter registry and the system clock. */
    public LoadBalancer(LoadBalancerConfig config) {
        this(config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** A balancer reporting to {@code registry}; health transitions are timed by {@code clock}. */
    public LoadBalancer(LoadBalancerConfig config, MeterRegistry registry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.name = config.listen().toString();
        this.transport = Transport.select(config.nativeTransport());
        this.metrics = new LoadBalancerMetrics(registry, name, activeConnections);
        this.pool = new BackendPool(config.policy(),
                address -> new Backend(address, config.healthCheck(), clock, metrics::forBackend));
        pool.update(config.backends());
    }

    /**
     * Binds the frontend and starts checking the backends. Connections are refused until a backend passes its first
     * check (within one check timeout).
     *
     * @throws LoadBalancerException if the listen address cannot be bound
     */
    public synchronized LoadBalancer start() {
        if (started) {
            throw new IllegalStateException("lb " + name + " already started");
        }
        started = true;
        ioGroup = transport.newGroup(config.ioThreads(), "lb-io");
        checker = new HealthChecker(name, config.healthCheck(), new HealthProbe(config.healthCheck(), transport),
                ioGroup);
        BackendConnector connector = BackendConnector.sockets(transport, config, metrics);
        FrontendInitializer initializer = new FrontendInitializer(pool, connector, metrics, activeConnections,
                config.maxConnections());
        pool.backends().forEach(checker::start);
        listeners = new FrontendListeners(transport, ioGroup, initializer, config.keepAlive());
        try {
            primary = listeners.bind(config.listen().socketAddress(), config.reusePort(), false);
        } catch (BindException | RuntimeException e) {
            close();
            throw new LoadBalancerException("lb cannot listen on " + name + ": " + HealthProbe.describe(e), e);
        }
        LOG.info("lb {}: listening ({}{}, {}, {} I/O threads), backends {}", name, transport.name(),
                config.reusePort() && transport.isNative() ? ", SO_REUSEPORT" : "", config.policy(),
                config.ioThreads(), pool.backends());
        return this;
    }

    /**
     * Also accepts clients on {@code address} — the VIP, while this node owns it. The socket is exclusive (never
     * {@code SO_REUSEPORT}), so the kernel refuses a second owner.
     *
     * @return the bound address (port 0 picks one)
     * @throws BindException if another socket already listens there
     */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws BindException {
        if (listeners == null || closed) {
            throw new IllegalStateException("lb " + name + " is not running");
        }
        InetSocketAddress bound = listeners.bind(address, false, true);
        LOG.info("lb {}: also listening on {}", name, bound);
        return bound;
    }

    /**
     * Stops accepting on an address added with {@link #bind} and resets (RST) the client connections that came in
     * through it, so those clients reconnect at once (to the new VIP owner) instead of hanging.
     */
    public synchronized void unbind(InetSocketAddress bound) {
        if (listeners == null || bound.equals(primary)) {
            throw new IllegalArgumentException("lb " + name + ": " + bound + " is not an address added with bind()");
        }
        if (listeners.unbind(bound)) {
            LOG.info("lb {}: stopped listening on {} and reset its connections", name, bound);
        }
    }

    /**
     * Stops accepting on an address added with {@link #bind} but keeps the connections that came in through it:
     * they go on being proxied until {@link #close()}, which ends them normally (FIN). For a planned hand-over of
     * the VIP: requests in flight finish, and clients reconnect (to the new owner) when their connection closes.
     */
    public synchronized void release(InetSocketAddress bound) {
        if (listeners == null || bound.equals(primary)) {
            throw new IllegalArgumentException("lb " + name + ": " + bound + " is not an address added with bind()");
        }
        if (listeners.unbind(bound, false)) {
            LOG.info("lb {}: stopped listening on {}; its connections stay until the LB closes", name, bound);
        }
    }

    /** The bound frontend address (useful with port 0). */
    public synchronized InetSocketAddress localAddress() {
        if (primary == null) {
            throw new IllegalStateException("lb " + name + " is not listening");
        }
        return primary;
    }

    /**
     * Makes the backend set exactly {@code backends}, without a restart. Backends that stay keep their state and
     * connections; new ones are checked at once (UNKNOWN until their first check); removed ones stop receiving
     * connections and their open proxied connections are closed.
     */
    public synchronized void updateBackends(List<BackendAddress> backends) {
        if (closed) {
            throw new IllegalStateException("lb " + name + " is closed");
        }
        if (backends.stream().anyMatch(b -> b.port() == 0)) {
            throw new IllegalArgumentException("backend port must not be 0: " + backends);
        }
        BackendPool.Changes changes = pool.update(List.copyOf(backends));
        for (Backend removed : changes.removed()) {
            removed.remove();
            LOG.info("lb {}: backend {} removed", name, removed);
        }
        for (Backend added : changes.added()) {
            if (checker != null) {
                checker.start(added);
            }
            LOG.info("lb {}: backend {} added", name, added);
        }
    }

    /** The current backends with their state, in configuration order. */
    public List<BackendStatus> backends() {
        return pool.backends().stream().map(Backend::status).toList();
    }

    /** Whether at least one backend is UP (the VIP owner must have one). */
    public boolean hasHealthyBackend() {
        return pool.backends().stream().anyMatch(Backend::available);
    }

    /** Client connections open now. */
    public int activeConnections() {
        return activeConnections.get();
    }

    public LoadBalancerConfig config() {
        return config;
    }

    /** Whether the native epoll transport is in use. */
    public boolean nativeTransport() {
        return transport.isNative();
    }

    /** Blocks until {@link #close()} has run (for a process that only runs the balancer). */
    public void awaitClose() throws InterruptedException {
        closedLatch.await();
    }

    /** Stops listening, closes every proxied connection and stops the checks. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (checker != null) {
            checker.stop();
        }
        if (listeners != null) {
            listeners.closeAll();
        }
        pool.update(List.of()).removed().forEach(Backend::remove);
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .syncUninterruptibly();
        }
        if (started) {
            LOG.info("lb {}: closed", name);
        }
        closedLatch.countDown();
    }

    @Override
    public String toString() {
        return "LoadBalancer[" + name + "]";
    }
}

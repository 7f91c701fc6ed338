package io.trireme.lb;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private HealthChecker checker;
    private final List<Channel> serverChannels = new ArrayList<>();
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
        try {
            if (transport.isNative()) {
                bindPerLoop(initializer);
            } else {
                acceptGroup = transport.newGroup(1, "lb-accept");
                serverChannels.add(frontend(acceptGroup, ioGroup, initializer)
                        .bind(config.listen().socketAddress()).syncUninterruptibly().channel());
            }
        } catch (RuntimeException e) {
            close();
            throw new LoadBalancerException("lb cannot listen on " + name + ": " + HealthProbe.describe(e), e);
        }
        LOG.info("lb {}: listening ({}, {}, {} I/O threads), backends {}", name, transport.name(), config.policy(),
                config.ioThreads(), pool.backends());
        return this;
    }

    /**
     * Epoll: one listening socket per I/O event loop on the same address ({@code SO_REUSEPORT}); the kernel spreads
     * new connections over them and each connection, and its backend side, stays on the loop that accepted it — no
     * accept thread, no hand-off between threads.
     */
    private void bindPerLoop(FrontendInitializer initializer) {
        InetSocketAddress address = config.listen().socketAddress();
        for (EventExecutor executor : ioGroup) {
            EventLoop loop = (EventLoop) executor;
            Channel ch = frontend(loop, loop, initializer)
                    .option(EpollChannelOption.SO_REUSEPORT, true)
                    .bind(address).syncUninterruptibly().channel();
            serverChannels.add(ch);
            address = (InetSocketAddress) ch.localAddress();
        }
    }

    private ServerBootstrap frontend(EventLoopGroup parent, EventLoopGroup child, FrontendInitializer initializer) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(parent, child)
                .channelFactory(transport.serverChannelFactory())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(initializer);
        for (Map.Entry<ChannelOption<?>, Object> e : transport.keepAliveOptions(config.keepAlive()).entrySet()) {
            @SuppressWarnings("unchecked")
            ChannelOption<Object> option = (ChannelOption<Object>) e.getKey();
            bootstrap.childOption(option, e.getValue());
        }
        return bootstrap;
    }

    /** The bound frontend address (useful with port 0). */
    public synchronized InetSocketAddress localAddress() {
        if (serverChannels.isEmpty()) {
            throw new IllegalStateException("lb " + name + " is not listening");
        }
        return (InetSocketAddress) serverChannels.get(0).localAddress();
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
        for (Channel ch : serverChannels) {
            ch.close().syncUninterruptibly();
        }
        pool.update(List.of()).removed().forEach(Backend::remove);
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
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

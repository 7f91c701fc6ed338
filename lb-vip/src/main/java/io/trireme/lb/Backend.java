package io.trireme.lb;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend at run time: its address, health, and the client connections currently bound to it (so they can be
 * closed the moment it goes DOWN or leaves the pool).
 */
final class Backend {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    private final BackendAddress address;
    private final InetSocketAddress socketAddress;
    private final BackendHealth health;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Channel> clients = ConcurrentHashMap.newKeySet();
    private final LoadBalancerMetrics.BackendMeters meters;
    private volatile boolean removed;
    private volatile Future<?> nextCheck;

    Backend(BackendAddress address, HealthCheckSettings checks, Clock clock,
            Function<Backend, LoadBalancerMetrics.BackendMeters> meterFactory) {
        this.address = address;
        this.socketAddress = address.socketAddress();
        this.health = new BackendHealth(checks.rise(), checks.fall(), clock);
        this.meters = meterFactory.apply(this);
    }

    BackendAddress address() {
        return address;
    }

    /** Where to connect: parsed once for IP literals, a name resolved at connect time otherwise. */
    InetSocketAddress socketAddress() {
        return socketAddress;
    }

    BackendHealth health() {
        return health;
    }

    LoadBalancerMetrics.BackendMeters meters() {
        return meters;
    }

    /** UP and still a member of the pool. */
    boolean available() {
        return !removed && health.state() == BackendState.UP;
    }

    int activeConnections() {
        return active.get();
    }

    /**
     * Binds a client connection to this backend. Returns {@code false} (and binds nothing) if the backend stopped
     * being available meanwhile, so a connection never slips past {@link #closeClients()}.
     */
    boolean attach(Channel client) {
        if (clients.add(client)) {
            active.incrementAndGet();
        }
        if (!available()) {
            detach(client);
            return false;
        }
        meters.connections().increment();
        return true;
    }

    void detach(Channel client) {
        if (clients.remove(client)) {
            active.decrementAndGet();
        }
    }

    /** Closes every client connection bound to this backend; returns how many. */
    int closeClients() {
        int n = 0;
        for (Channel c : clients) {
            c.close();
            n++;
        }
        return n;
    }

    /**
     * Acts on a health transition, wherever it was observed (a check, or a failed proxied connection): a backend
     * that went DOWN loses its client connections at once, so clients reconnect instead of hanging.
     */
    void onTransition(String lb, BackendHealth.Transition t) {
        if (t.to() == BackendState.DOWN) {
            int closed = closeClients();
            LOG.info("lb {}: backend {} {} -> DOWN ({}); closed {} proxied connections", lb, this, t.from(),
                    t.reason(), closed);
        } else {
            LOG.info("lb {}: backend {} {} -> {} ({})", lb, this, t.from(), t.to(), t.reason());
        }
    }

    boolean removed() {
        return removed;
    }

    /** Takes the backend out of service for good: no more checks, no more connections, meters dropped. */
    void remove() {
        removed = true;
        Future<?> f = nextCheck;
        if (f != null) {
            f.cancel(false);
        }
        closeClients();
        meters.remove();
    }

    void nextCheck(Future<?> f) {
        nextCheck = f;
    }

    BackendStatus status() {
        return new BackendStatus(address, health.state(), health.since(), active.get(),
                (long) meters.connections().count(), health.lastFailure().orElse(null));
    }

    @Override
    public String toString() {
        return address.toString();
    }
}

package io.trireme.lb;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load balancer's meters (micrometer). Names start with {@code trireme.lb.}; every meter carries the tag
 * {@code listen=<addr:port>} so several balancers can share one registry.
 */
final class LoadBalancerMetrics {

    /** Why a client connection was accepted and closed at once. */
    enum Refusal {
        /** {@code maxConnections} reached. */
        LIMIT("limit"),
        /** No backend was UP. */
        NO_BACKEND("no_backend"),
        /** Every UP backend refused or timed out the proxied connect. */
        BACKEND_UNREACHABLE("backend_unreachable");

        final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter accepted;
    private final Counter refusedLimit;
    private final Counter refusedNoBackend;
    private final Counter refusedUnreachable;
    private final Counter bytesToBackend;
    private final Counter bytesToClient;

    LoadBalancerMetrics(MeterRegistry registry, String listen, AtomicInteger activeConnections) {
        this.registry = registry;
        this.tags = Tags.of("listen", listen);
        Gauge.builder("trireme.lb.connections.active", activeConnections, AtomicInteger::get)
                .description("client connections open now").tags(tags).register(registry);
        accepted = Counter.builder("trireme.lb.connections").description("client connections admitted")
                .tags(tags).register(registry);
        refusedLimit = refusedCounter(Refusal.LIMIT);
        refusedNoBackend = refusedCounter(Refusal.NO_BACKEND);
        refusedUnreachable = refusedCounter(Refusal.BACKEND_UNREACHABLE);
        bytesToBackend = bytesCounter("to_backend");
        bytesToClient = bytesCounter("to_client");
    }

    private Counter refusedCounter(Refusal r) {
        return Counter.builder("trireme.lb.connections.refused")
                .description("client connections accepted and closed at once")
                .tags(tags).tag("reason", r.tag).register(registry);
    }

    private Counter bytesCounter(String direction) {
        return Counter.builder("trireme.lb.bytes").baseUnit("bytes").description("bytes relayed")
                .tags(tags).tag("direction", direction).register(registry);
    }

    void admitted() {
        accepted.increment();
    }

    void refused(Refusal reason) {
        switch (reason) {
            case LIMIT -> refusedLimit.increment();
            case NO_BACKEND -> refusedNoBackend.increment();
            case BACKEND_UNREACHABLE -> refusedUnreachable.increment();
        }
    }

    double refusedCount(Refusal reason) {
        return switch (reason) {
            case LIMIT -> refusedLimit.count();
            case NO_BACKEND -> refusedNoBackend.count();
            case BACKEND_UNREACHABLE -> refusedUnreachable.count();
        };
    }

    void relayedToBackend(int bytes) {
        bytesToBackend.increment(bytes);
    }

    void relayedToClient(int bytes) {
        bytesToClient.increment(bytes);
    }

    /** Registers the per-backend meters; {@link BackendMeters#remove()} drops them when the backend leaves. */
    BackendMeters forBackend(Backend backend) {
        Tags t = tags.and("backend", backend.address().toString());
        Gauge up = Gauge.builder("trireme.lb.backend.up", backend, b -> b.health().state() == BackendState.UP ? 1 : 0)
                .description("1 when the backend is UP").tags(t).register(registry);
        Gauge active = Gauge.builder("trireme.lb.backend.connections.active", backend, Backend::activeConnections)
                .description("proxied connections open to the backend").tags(t).register(registry);
        Counter connections = Counter.builder("trireme.lb.backend.connections")
                .description("proxied connections bound to the backend").tags(t).register(registry);
        Counter checkFailures = Counter.builder("trireme.lb.backend.check.failures")
                .description("failed health checks").tags(t).register(registry);
        Counter connectFailures = Counter.builder("trireme.lb.backend.connect.failures")
                .description("proxied connects that failed").tags(t).register(registry);
        return new BackendMeters(registry, connections, checkFailures, connectFailures,
                List.of(up, active, connections, checkFailures, connectFailures));
    }

    /** The meters of one backend. */
    record BackendMeters(MeterRegistry registry, Counter connections, Counter checkFailures,
            Counter connectFailures, List<Meter> all) {
        void remove() {
            all.forEach(registry::remove);
        }
    }
}

package io.trireme.lb;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend pool and metrics for handler and pool tests, no sockets. */
final class PoolFixture {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicInteger active = new AtomicInteger();
    final LoadBalancerMetrics metrics = new LoadBalancerMetrics(registry, "test:1", active);
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    final BackendPool pool;

    PoolFixture(BalancingPolicy policy, String... backends) {
        pool = new BackendPool(policy,
                a -> new Backend(a, HealthCheckSettings.DEFAULTS, clock, metrics::forBackend));
        pool.update(List.of(backends).stream().map(BackendAddress::parse).toList());
    }

    Backend backend(String address) {
        BackendAddress a = BackendAddress.parse(address);
        return pool.backends().stream().filter(b -> b.address().equals(a)).findFirst().orElseThrow();
    }

    /** Marks the backend UP (its first check passed). */
    Backend up(String address) {
        Backend b = backend(address);
        b.health().recordPass();
        return b;
    }

    /** Marks the backend DOWN (a check failed). */
    Backend down(String address) {
        Backend b = backend(address);
        for (int i = 0; i < HealthCheckSettings.DEFAULTS.fall(); i++) {
            b.health().recordFailure("test");
        }
        return b;
    }

    double refused(LoadBalancerMetrics.Refusal reason) {
        return metrics.refusedCount(reason);
    }
}

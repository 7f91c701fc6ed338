package io.trireme.lb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The current backends and the choice among them. Membership changes swap an immutable list (readers never lock);
 * backends that stay keep their health and connections.
 */
final class BackendPool {

    /** What an {@link #update(List)} changed. */
    record Changes(List<Backend> added, List<Backend> removed) {}

    private final BalancingPolicy policy;
    private final Function<BackendAddress, Backend> factory;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile List<Backend> backends = List.of();

    BackendPool(BalancingPolicy policy, Function<BackendAddress, Backend> factory) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    List<Backend> backends() {
        return backends;
    }

    /**
     * Picks an available backend not in {@code exclude}, or {@code null} if there is none. Safe to call from any
     * thread.
     */
    Backend select(Collection<Backend> exclude) {
        List<Backend> all = backends;
        Backend[] candidates = new Backend[all.size()];
        int n = 0;
        for (Backend b : all) {
            if (b.available() && !exclude.contains(b)) {
                candidates[n++] = b;
            }
        }
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        return switch (policy) {
            case ROUND_ROBIN -> candidates[start];
            case LEAST_CONNECTIONS -> {
                Backend best = null;
                int fewest = Integer.MAX_VALUE;
                for (int i = 0; i < n; i++) {
                    Backend b = candidates[(start + i) % n];
                    int active = b.activeConnections();
                    if (active < fewest) {
                        fewest = active;
                        best = b;
                    }
                }
                yield best;
            }
        };
    }

    /**
     * Makes the pool exactly {@code addresses} (in that order). New addresses get fresh backends (state UNKNOWN);
     * removed ones are returned for the caller to shut down.
     */
    synchronized Changes update(List<BackendAddress> addresses) {
        Map<BackendAddress, Backend> current = new HashMap<>();
        backends.forEach(b -> current.put(b.address(), b));
        List<Backend> next = new ArrayList<>(addresses.size());
        List<Backend> added = new ArrayList<>();
        for (BackendAddress a : addresses) {
            Backend b = current.remove(a);
            if (b == null) {
                if (next.stream().anyMatch(x -> x.address().equals(a))) {
                    continue;
                }
                b = factory.apply(a);
                added.add(b);
            }
            next.add(b);
        }
        backends = List.copyOf(next);
        return new Changes(added, List.copyOf(current.values()));
    }
}

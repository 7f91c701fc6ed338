package io.trireme.vip.health;

import java.util.Objects;

/**
 * A check whose verdict is pushed by its owner (a callback such as "store quorum lost"), for components that
 * notify rather than answer. Starts unhealthy unless told otherwise; thread-safe.
 */
public final class HealthSignal implements HealthCheck {

    private final String name;
    private volatile boolean healthy;

    public HealthSignal(String name, boolean initiallyHealthy) {
        this.name = Objects.requireNonNull(name, "name");
        this.healthy = initiallyHealthy;
    }

    public void set(boolean nowHealthy) {
        this.healthy = nowHealthy;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public String toString() {
        return name + "=" + (healthy ? "up" : "down");
    }
}

package io.trireme.vip.health;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One named condition for holding the VIP, e.g. {@code lb-backend} (the local LB has a healthy backend),
 * {@code apiserver} (the local apiserver is ready), {@code store-quorum} (this node reaches a store quorum).
 * {@link #healthy()} is called on the election thread: it must return a cached verdict at once, never do I/O.
 */
public interface HealthCheck {

    String name();

    boolean healthy();

    static HealthCheck of(String name, BooleanSupplier verdict) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean healthy() {
                return verdict.getAsBoolean();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}

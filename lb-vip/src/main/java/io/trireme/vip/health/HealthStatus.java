package io.trireme.vip.health;

import java.util.List;

/** The gate's verdict: healthy only when no check fails; {@code failing} names the checks that do. */
public record HealthStatus(List<String> failing) {

    public HealthStatus {
        failing = List.copyOf(failing);
    }

    public boolean healthy() {
        return failing.isEmpty();
    }
}

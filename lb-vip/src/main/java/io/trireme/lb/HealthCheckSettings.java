package io.trireme.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Health check timing, as HAProxy's {@code inter / rise / fall} plus {@code timeout check}.
 *
 * <p>A backend goes DOWN after {@code fall} failed checks in a row and UP again after {@code rise} passed ones.
 * With the defaults (every 500 ms, 1 s timeout, rise 2, fall 2) a refused connection takes a backend out in
 * about 0.5–1 s and a backend that accepts but never answers in about 3 s.
 *
 * @param interval pause between the end of one check and the start of the next
 * @param timeout limit for one whole check (connect, TLS handshake, HTTP response)
 * @param rise consecutive passes that bring a DOWN backend UP
 * @param fall consecutive failures that take an UP backend DOWN
 * @param readiness HTTPS check after the TCP connect, or {@code null} for a TCP connect check only
 */
public record HealthCheckSettings(Duration interval, Duration timeout, int rise, int fall, ReadinessProbe readiness) {

    public static final HealthCheckSettings DEFAULTS =
            new HealthCheckSettings(Duration.ofMillis(500), Duration.ofSeconds(1), 2, 2, null);

    public HealthCheckSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health check interval must be positive: " + interval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health check timeout must be positive: " + timeout);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1, got rise=" + rise + " fall=" + fall);
        }
    }

    public HealthCheckSettings withReadiness(ReadinessProbe probe) {
        return new HealthCheckSettings(interval, timeout, rise, fall, probe);
    }

    public HealthCheckSettings withTiming(Duration newInterval, Duration newTimeout, int newRise, int newFall) {
        return new HealthCheckSettings(newInterval, newTimeout, newRise, newFall, readiness);
    }
}

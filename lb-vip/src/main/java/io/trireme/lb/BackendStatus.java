package io.trireme.lb;

import java.time.Instant;

/**
 * A snapshot of one backend for {@code status} output and for the node.
 *
 * @param address where the backend listens
 * @param state its health
 * @param since when it entered {@code state}
 * @param activeConnections proxied connections open to it now
 * @param totalConnections proxied connections ever bound to it
 * @param lastFailure reason of the most recent failed check, or {@code null}
 */
public record BackendStatus(BackendAddress address, BackendState state, Instant since, int activeConnections,
        long totalConnections, String lastFailure) {}

package io.trireme.lb;

/** How a new client connection picks among the healthy backends. */
public enum BalancingPolicy {
    /** Each healthy backend in turn (HAProxy {@code balance roundrobin}). */
    ROUND_ROBIN,
    /** The healthy backend with the fewest open proxied connections; ties go round robin ({@code leastconn}). */
    LEAST_CONNECTIONS
}

package io.trireme.lb;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one {@link LoadBalancer} needs. Build it with {@link #of(BackendAddress, List)} and adjust with the
 * {@code with*} methods.
 *
 * @param listen frontend address (port 0 picks a free port; read it back with {@link LoadBalancer#localAddress()})
 * @param backends initial backends; may be empty (connections are then refused until {@link
 *     LoadBalancer#updateBackends(List)} adds some)
 * @param policy how a new connection picks a backend
 * @param healthCheck check timing and the optional HTTPS readiness probe
 * @param connectTimeout limit for connecting to a backend; on failure the next healthy backend is tried
 * @param maxConnections client connections held at once; more are accepted and closed at once (counted)
 * @param keepAlive TCP keep-alive on both sides
 * @param ioThreads event loop threads for the proxied connections and the checks
 * @param nativeTransport use Linux epoll when available (NIO otherwise)
 * @param reusePort epoll only: bind {@code listen} once per I/O thread with {@code SO_REUSEPORT} (fastest accept
 *     path); then any process of the same user can bind the same address too, so keep it off for an address whose
 *     ownership must be exclusive — {@link LoadBalancer#bind} (the VIP) never uses it
 */
public record LoadBalancerConfig(
        BackendAddress listen,
        List<BackendAddress> backends,
        BalancingPolicy policy,
        HealthCheckSettings healthCheck,
        Duration connectTimeout,
        int maxConnections,
        TcpKeepAlive keepAlive,
        int ioThreads,
        boolean nativeTransport,
        boolean reusePort) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    public LoadBalancerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        backends = List.copyOf(backends);
        if (backends.stream().distinct().count() != backends.size()) {
            throw new IllegalArgumentException("duplicate backend in " + backends);
        }
        if (backends.stream().anyMatch(b -> b.port() == 0)) {
            throw new IllegalArgumentException("backend port must not be 0: " + backends);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1: " + maxConnections);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + ioThreads);
        }
    }

    /**
     * Round robin, default health checks (TCP connect), keep-alive on, one I/O thread per core, epoll if possible,
     * an exclusive listening socket.
     */
    public static LoadBalancerConfig of(BackendAddress listen, List<BackendAddress> backends) {
        return new LoadBalancerConfig(listen, backends, BalancingPolicy.ROUND_ROBIN, HealthCheckSettings.DEFAULTS,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, TcpKeepAlive.DEFAULTS,
                Runtime.getRuntime().availableProcessors(), true, false);
    }

    /** As {@link #of(BackendAddress, List)} from {@code addr:port} strings (the {@code bin/trireme lb} options). */
    public static LoadBalancerConfig of(String listen, List<String> backends) {
        return of(BackendAddress.parse(listen), backends.stream().map(BackendAddress::parse).toList());
    }

    public LoadBalancerConfig withPolicy(BalancingPolicy p) {
        return new LoadBalancerConfig(listen, backends, p, healthCheck, connectTimeout, maxConnections, keepAlive,
                ioThreads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withHealthCheck(HealthCheckSettings h) {
        return new LoadBalancerConfig(listen, backends, policy, h, connectTimeout, maxConnections, keepAlive,
                ioThreads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withConnectTimeout(Duration t) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, t, maxConnections, keepAlive,
                ioThreads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withMaxConnections(int max) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, connectTimeout, max, keepAlive,
                ioThreads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withKeepAlive(TcpKeepAlive k) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, connectTimeout, maxConnections, k,
                ioThreads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withIoThreads(int threads) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, connectTimeout, maxConnections,
                keepAlive, threads, nativeTransport, reusePort);
    }

    public LoadBalancerConfig withNativeTransport(boolean useNative) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, connectTimeout, maxConnections,
                keepAlive, ioThreads, useNative, reusePort);
    }

    public LoadBalancerConfig withReusePort(boolean reuse) {
        return new LoadBalancerConfig(listen, backends, policy, healthCheck, connectTimeout, maxConnections,
                keepAlive, ioThreads, nativeTransport, reuse);
    }
}

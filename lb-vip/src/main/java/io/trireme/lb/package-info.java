/**
 * The health-checked TCP load balancer that sits in front of the cluster's apiservers (HAProxy's job in a
 * kubeadm HA setup).
 *
 * <p>Layout, after Netty's proxy example: {@link io.trireme.lb.LoadBalancer} owns the lifecycle;
 * {@code FrontendListeners} holds the listening sockets (the configured address, plus extra exclusive ones
 * such as the VIP while this node owns it); {@code FrontendInitializer} only builds the per-connection
 * pipeline; one handler per job ({@code ConnectionLimitHandler} admission, {@code FrontendHandler}
 * client → backend relay and backend choice, {@code BackendHandler} backend → client relay). Reads are driven
 * by hand ({@code AUTO_READ=false}, one {@code read()} after each completed write), so a slow peer stalls its
 * partner instead of filling memory. {@code BackendPool} chooses backends, {@code HealthChecker} drives
 * {@link io.trireme.lb.BackendHealth} (the rise/fall state machine) with TCP or HTTPS {@code /readyz} probes.
 *
 * <p>This package must not import {@code io.trireme.vip}; the node wires the two together.
 */
package io.trireme.lb;

package io.trireme.node.config;

/**
 * The optional {@code status:} section: the node's plain-HTTP status endpoint ({@code GET /status} as JSON,
 * {@code GET /metrics} for Prometheus, {@code GET /healthz}), like etcd's {@code --listen-metrics-urls}.
 *
 * @param listen where it listens; default: this node's address, port 2381
 */
public record StatusSection(HostPort listen) {
  public static final int DEFAULT_PORT = 2381;
}

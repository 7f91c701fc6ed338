package io.trireme.node.config;

/**
 * The optional {@code lb:} section: this node's load balancer in front of every member's apiserver.
 *
 * @param listen  the node-local frontend; default: this node's address, port 16443. While the node owns the VIP the
 *                load balancer also listens on the VIP with the same port.
 * @param balance {@code roundrobin} (default) or {@code leastconn}, named as HAProxy names them
 */
public record LbSection(HostPort listen, String balance) {
  public static final int DEFAULT_PORT = 16443;

  public LbSection {
    if (balance != null && !balance.equals("roundrobin") && !balance.equals("leastconn")) {
      throw new IllegalArgumentException("lb.balance must be roundrobin or leastconn, got '" + balance + "'");
    }
  }
}

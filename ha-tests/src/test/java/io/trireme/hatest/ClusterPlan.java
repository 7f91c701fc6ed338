package io.trireme.hatest;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Where one test cluster lives: a /24 of its own, nodes at {@code <prefix>.11, .12, ...}, the VIP at
 * {@code <prefix>.100}, and the {@code node.yaml} each node gets.
 *
 * @param prefix the first three octets, e.g. {@code 172.29.1}; one per test class so classes never share a network
 * @param size   number of nodes
 * @param floatingVip whether node.yaml has the {@code lb}, {@code vip} (ip mode on eth0) and {@code status}
 *                    sections; without them a node runs the store and apiserver with the defaults for the rest
 */
record ClusterPlan(String prefix, int size, boolean floatingVip) {
  static final int CLIENT_PORT = 2379;
  static final int RAFT_PORT = 2380;
  static final int STATUS_PORT = 2381;
  static final int APISERVER_PORT = 6443;
  static final int LB_PORT = 16443;
  static final int ADVERT_PORT = 16444;
  static final String DATA_DIR = "/var/lib/trireme";
  static final String CONFIG_FILE = "/etc/trireme/node.yaml";
  /** The VIP agents' shared HMAC key (only ever used on the test's own network). */
  private static final String AUTH_KEY = "hatest-shared-secret-0123456789";

  ClusterPlan {
    if (!prefix.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) throw new IllegalArgumentException("prefix like 172.29.1, got " + prefix);
    if (size < 1 || size > 9) throw new IllegalArgumentException("1..9 nodes, got " + size);
  }

  String subnet() {
    return prefix + ".0/24";
  }

  String vip() {
    return prefix + ".100";
  }

  String name(int i) {
    return "node" + (i + 1);
  }

  String ip(int i) {
    return prefix + "." + (11 + i);
  }

  List<Integer> indexes() {
    return IntStream.range(0, size).boxed().toList();
  }

  /** The {@code node.yaml} of node {@code i}: the store and apiserver, and with a floating VIP the LB, VIP and status. */
  String nodeYaml(int i) {
    String ip = ip(i);
    StringBuilder y = new StringBuilder()
        .append("name: ").append(name(i)).append('\n')
        .append("dataDir: ").append(DATA_DIR).append('\n')
        .append("store: { clientListen: ").append(ip).append(':').append(CLIENT_PORT)
        .append(", raftListen: ").append(ip).append(':').append(RAFT_PORT).append(" }\n")
        .append("apiserver: { listen: ").append(ip).append(':').append(APISERVER_PORT).append(" }\n")
        .append("members:\n");
    for (int m : indexes()) {
      y.append("  - { name: ").append(name(m)).append(", clientAddress: ").append(ip(m)).append(':').append(CLIENT_PORT)
          .append(", raftAddress: ").append(ip(m)).append(':').append(RAFT_PORT).append(" }\n");
    }
    if (!floatingVip) return y.toString();
    y.append("lb: { listen: ").append(ip).append(':').append(LB_PORT).append(", balance: roundrobin }\n")
        .append("vip:\n")
        .append("  address: ").append(vip()).append('\n')
        .append("  mode: ip\n")
        .append("  interface: eth0\n")
        .append("  prefixLength: 24\n")
        .append("  port: ").append(ADVERT_PORT).append('\n')
        .append("  vrid: 51\n")
        .append("  advertInterval: 100ms\n")
        .append("  preempt: false\n")
        .append("  authKey: \"").append(AUTH_KEY).append("\"\n")
        .append("status: { listen: ").append(ip).append(':').append(STATUS_PORT).append(" }\n");
    return y.toString();
  }
}

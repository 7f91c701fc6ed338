package io.trireme.node.cluster;

import io.trireme.node.config.HostPort;
import io.trireme.node.config.MemberEntry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Before starting a local cluster: every address a node will listen on must be free. Otherwise another
 * cluster (or anything else) answers in our place and the new node dies on bind.
 */
public final class AddressCheck {
  private AddressCheck() {}

  /** The addresses of {@code members} (client and raft) that cannot be bound now, with the reason. */
  public static List<String> unavailable(List<MemberEntry> members) {
    List<String> problems = new ArrayList<>();
    for (MemberEntry m : members) {
      for (HostPort hp : List.of(m.clientAddress(), m.raftAddress())) {
        String problem = tryBind(hp);
        if (problem != null) problems.add(m.name() + " " + hp + ": " + problem);
      }
    }
    return problems;
  }

  /**
   * As {@link #unavailable(List)}, plus each node's apiserver, load balancer and status addresses and the VIP
   * frontend (another cluster on the same VIP would win it or lose it at random).
   */
  public static List<String> unavailableFor(ClusterLayout layout) {
    List<String> problems = unavailable(layout.members());
    for (var node : layout.nodes()) {
      for (var entry : java.util.Map.of("apiserver", node.apiServerListen(), "lb", node.lbListen(),
          "status", node.statusListen()).entrySet()) {
        String problem = tryBind(entry.getValue());
        if (problem != null) problems.add(node.name() + " " + entry.getKey() + " " + entry.getValue() + ": " + problem);
      }
    }
    HostPort vip = layout.nodes().get(0).vipFrontend();
    if (vip != null) {
      String problem = tryBind(vip);
      if (problem != null) problems.add("VIP " + vip + ": " + problem);
    }
    return problems;
  }

  private static String tryBind(HostPort hp) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(hp.host(), hp.port()));
      return null;
    } catch (IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }
}

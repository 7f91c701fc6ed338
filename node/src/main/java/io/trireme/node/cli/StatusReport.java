package io.trireme.node.cli;

import io.trireme.node.probe.ClusterStatus;
import io.trireme.node.probe.MemberReport;
import io.trireme.node.probe.NodeStatusProbe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The text {@code trireme status} prints: summary rows (label, value) followed by a member table. Later
 * components add rows (VIP owner, controller leader) or columns here.
 */
record StatusReport(List<Row> summary, List<String> header, List<List<String>> table) {

  /** One summary line. */
  record Row(String label, String value) {}

  static StatusReport of(ClusterStatus status) {
    return of(status, List.of());
  }

  /** With the nodes' own status answers: adds the VIP owner and each node's VIP role. */
  static StatusReport of(ClusterStatus status, List<NodeStatusProbe.Answer> nodes) {
    List<Row> summary = new ArrayList<>();
    summary.add(new Row("members", status.members().size() + " (" + status.reachableCount() + " reachable)"));
    summary.add(new Row("store leader", status.leader()
        .map(l -> l.target().name() + " (id " + hex(l.id()) + ")")
        .orElse(status.leaderName().map(n -> n + " (not probed)").orElse("none"))));
    summary.add(new Row("raft term", String.valueOf(status.raftTerm())));
    summary.add(new Row("revision", String.valueOf(status.revision())));
    if (!nodes.isEmpty()) summary.add(new Row("VIP", vipSummary(nodes)));

    List<String> header = List.of("NAME", "ID", "CLIENT URL", "REACHABLE", "ROLE", "RAFT TERM", "RAFT INDEX",
        "REVISION", "VIP", "HEALTH");
    List<List<String>> rows = new ArrayList<>();
    for (MemberReport m : status.members()) {
      boolean up = m.reachable();
      rows.add(List.of(
          m.target().name(),
          m.id() == 0 ? "?" : hex(m.id()),
          "http://" + m.target().clientAddress(),
          up ? "yes" : "no",
          !up ? "-" : m.status().isLeader() ? "leader" : m.status().hasLeader() ? "follower" : "no leader",
          up ? String.valueOf(m.status().raftTerm()) : "-",
          up ? String.valueOf(m.status().raftIndex()) : "-",
          up ? String.valueOf(m.status().revision()) : "-",
          vipRole(m.target().name(), nodes),
          health(m)));
    }
    return new StatusReport(List.copyOf(summary), header, List.copyOf(rows));
  }

  private static String vipSummary(List<NodeStatusProbe.Answer> nodes) {
    String address = nodes.stream().map(a -> a.vip("frontend")).flatMap(java.util.Optional::stream).findFirst()
        .orElse("?");
    List<String> holders = nodes.stream().filter(a -> a.vip("holds").map(Boolean::parseBoolean).orElse(false))
        .map(a -> a.status().path("name").asText()).toList();
    if (holders.size() > 1) return address + " held by " + String.join(" AND ", holders) + " (more than one owner!)";
    if (holders.size() == 1) return address + " owned by " + holders.get(0);
    boolean disabled = nodes.stream().filter(NodeStatusProbe.Answer::answered)
        .allMatch(a -> a.vip("state").map("DISABLED"::equals).orElse(true));
    return disabled ? "none (no VIP configured; clients use a node's load balancer)" : address + " not held by any node";
  }

  /**
   * "owner", "backup", "init", "disabled" or "-" (no answer), with the failing health checks if any, or a note that
   * a backup whose checks pass is not yet eligible.
   */
  private static String vipRole(String node, List<NodeStatusProbe.Answer> nodes) {
    return nodes.stream().filter(a -> a.answered() && node.equals(a.status().path("name").asText())).findFirst()
        .map(a -> {
          String role = a.vip("holds").map(Boolean::parseBoolean).orElse(false) ? "owner"
              : a.vip("state").map(s -> s.toLowerCase(java.util.Locale.ROOT)).orElse("-");
          List<String> failing = a.failingChecks();
          if (!failing.isEmpty()) return role + " (failing: " + String.join(",", failing) + ")";
          return role.equals("backup") && !a.vipEligible() ? role + " (checks pass; in hysteresis)" : role;
        })
        .orElse("-");
  }

  private static String health(MemberReport m) {
    if (!m.reachable()) return "unreachable: " + m.error();
    if (m.unhealthyReason() != null) return "unhealthy: " + m.unhealthyReason();
    if (!m.status().errors().isEmpty()) return "unhealthy: " + String.join("; ", m.status().errors());
    return "healthy";
  }

  private static String hex(long id) {
    return Long.toHexString(id);
  }

  void print(PrintStream out) {
    int labelWidth = summary.stream().mapToInt(r -> r.label().length()).max().orElse(0);
    for (Row r : summary) out.printf("%-" + labelWidth + "s  %s%n", r.label(), r.value());
    out.println();
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : table) widths[i] = Math.max(widths[i], row.get(i).length());
    }
    printRow(out, header, widths);
    for (List<String> row : table) printRow(out, row, widths);
  }

  private static void printRow(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) sb.append("  ");
      sb.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + widths[i] + "s", cells.get(i)));
    }
    out.println(sb);
  }
}

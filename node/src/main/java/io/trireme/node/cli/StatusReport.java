package io.trireme.node.cli;

import io.trireme.node.probe.ClusterStatus;
import io.trireme.node.probe.MemberReport;
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
    List<Row> summary = new ArrayList<>();
    summary.add(new Row("members", status.members().size() + " (" + status.reachableCount() + " reachable)"));
    summary.add(new Row("store leader", status.leader()
        .map(l -> l.target().name() + " (id " + hex(l.id()) + ")")
        .orElse(status.leaderName().map(n -> n + " (not probed)").orElse("none"))));
    summary.add(new Row("raft term", String.valueOf(status.raftTerm())));
    summary.add(new Row("revision", String.valueOf(status.revision())));

    List<String> header = List.of("NAME", "ID", "CLIENT URL", "REACHABLE", "ROLE", "RAFT TERM", "RAFT INDEX",
        "REVISION", "HEALTH");
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
          health(m)));
    }
    return new StatusReport(List.copyOf(summary), header, List.copyOf(rows));
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

package io.trireme.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.node.config.HostPort;
import io.trireme.node.probe.ClusterStatus;
import io.trireme.node.probe.MemberReport;
import io.trireme.node.probe.MemberStatus;
import io.trireme.node.probe.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  private static MemberReport member(String name, long id, long leader, String unhealthy) {
    return new MemberReport(new Target(name, id, new HostPort("127.0.0." + id, 2379)),
        new MemberStatus(id, leader, 4, 100 + id, 42, 0, "3.4.0", List.of()), null, unhealthy);
  }

  private static String render(ClusterStatus status) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusReport.of(status).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void print_summaryRowsThenOneLinePerMember() {
    ClusterStatus status = new ClusterStatus(List.of(member("node1", 17, 18, null), member("node2", 18, 18, null),
        new MemberReport(new Target("node3", 19, new HostPort("127.0.0.19", 2379)), null,
            "UNAVAILABLE: io exception (Connection refused)", null)));

    String out = render(status);

    assertThat(out).contains("members       3 (2 reachable)")
        .contains("store leader  node2 (id 12)")
        .contains("raft term     4")
        .contains("revision      42");
    List<String> table = out.lines().dropWhile(l -> !l.startsWith("NAME")).toList();
    assertThat(table).hasSize(4);
    assertThat(table.get(1)).startsWith("node1").contains("http://127.0.0.17:2379").contains("follower")
        .endsWith("healthy");
    assertThat(table.get(2)).startsWith("node2").contains("leader").contains("118");
    assertThat(table.get(3)).startsWith("node3").contains(" no ").endsWith("unreachable: UNAVAILABLE: io exception (Connection refused)");
  }

  @Test
  void print_unhealthyMemberAndNoLeader() {
    String out = render(new ClusterStatus(List.of(member("node1", 1, 0, "DEADLINE_EXCEEDED"))));

    assertThat(out).contains("store leader  none");
    assertThat(out).contains("no leader").contains("unhealthy: DEADLINE_EXCEEDED");
  }
}

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

  private static io.trireme.node.probe.NodeStatusProbe.Answer node(String name, String state, boolean holds,
      String... failing) throws Exception {
    return node(name, state, holds, failing.length == 0, failing);
  }

  private static io.trireme.node.probe.NodeStatusProbe.Answer node(String name, String state, boolean holds,
      boolean eligible, String... failing) throws Exception {
    String json = """
        {"name": "%s", "vip": {"frontend": "127.0.0.100:16443", "state": "%s", "holds": %s, "eligible": %s,
         "failingChecks": [%s]}}
        """.formatted(name, state, holds, eligible,
        failing.length == 0 ? "" : "\"" + String.join("\",\"", failing) + "\"");
    return new io.trireme.node.probe.NodeStatusProbe.Answer(new HostPort("127.0.0.1", 2381),
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), null);
  }

  @Test
  void print_withNodeAnswers_showsVipOwnerAndEachNodesRole() throws Exception {
    ClusterStatus status = new ClusterStatus(List.of(member("node1", 17, 17, null), member("node2", 18, 17, null)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusReport.of(status, List.of(node("node1", "MASTER", true), node("node2", "BACKUP", false, "store-quorum")))
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("VIP           127.0.0.100:16443 owned by node1");
    assertThat(out.lines().filter(l -> l.startsWith("node1"))).singleElement().asString().contains(" owner ");
    assertThat(out.lines().filter(l -> l.startsWith("node2"))).singleElement().asString()
        .contains("backup (failing: store-quorum)");
  }

  @Test
  void print_backupInHysteresis_isNotShownAsReady() throws Exception {
    ClusterStatus status = new ClusterStatus(List.of(member("node1", 17, 17, null), member("node2", 18, 17, null),
        member("node3", 19, 17, null)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusReport.of(status, List.of(node("node1", "MASTER", true), node("node2", "BACKUP", false, false),
        node("node3", "BACKUP", false, true))).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out.lines().filter(l -> l.startsWith("node2"))).singleElement().asString()
        .contains("backup (checks pass; in hysteresis)");
    assertThat(out.lines().filter(l -> l.startsWith("node3"))).singleElement().asString()
        .contains("backup").doesNotContain("hysteresis");
  }

  @Test
  void print_twoHolders_isShownAsAnError() throws Exception {
    ClusterStatus status = new ClusterStatus(List.of(member("node1", 17, 17, null), member("node2", 18, 17, null)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusReport.of(status, List.of(node("node1", "MASTER", true), node("node2", "MASTER", true)))
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("held by node1 AND node2 (more than one owner!)");
  }
}

package io.trireme.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.node.config.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {
  private static MemberReport answering(String name, long id, long leader, long term, long revision) {
    return new MemberReport(new Target(name, id, new HostPort("127.0.0.1", 2379)),
        new MemberStatus(id, leader, term, 10, revision, 0, "3.4.0", List.of()), null, null);
  }

  private static MemberReport silent(String name, long id) {
    return new MemberReport(new Target(name, id, new HostPort("127.0.0.1", 2379)), null, "UNAVAILABLE", null);
  }

  @Test
  void allAgree_leaderKnownByAll() {
    ClusterStatus s = new ClusterStatus(List.of(answering("a", 1, 2, 3, 7), answering("b", 2, 2, 3, 9),
        answering("c", 3, 2, 3, 8)));

    assertThat(s.allAgreeOnLeader()).isTrue();
    assertThat(s.leaderName()).contains("b");
    assertThat(s.revision()).isEqualTo(9);
    assertThat(s.raftTerm()).isEqualTo(3);
  }

  @Test
  void oneMemberDown_hasLeaderButNotAllAgree() {
    ClusterStatus s = new ClusterStatus(List.of(answering("a", 1, 2, 3, 7), answering("b", 2, 2, 3, 9),
        silent("c", 3)));

    assertThat(s.allAgreeOnLeader()).isFalse();
    assertThat(s.leaderName()).contains("b");
    assertThat(s.reachableCount()).isEqualTo(2);
  }

  @Test
  void memberAnsweringWithAnotherId_isNotAgreement() {
    MemberReport impostor = new MemberReport(new Target("c", 3, new HostPort("127.0.0.1", 2379)),
        new MemberStatus(99, 2, 3, 10, 8, 0, "3.4.0", List.of()), null, null);
    ClusterStatus s = new ClusterStatus(List.of(answering("a", 1, 2, 3, 7), answering("b", 2, 2, 3, 9), impostor));

    assertThat(s.allAgreeOnLeader()).isFalse();
  }

  @Test
  void noMemberKnowsALeader_noLeader() {
    ClusterStatus s = new ClusterStatus(List.of(answering("a", 1, 0, 3, 7), silent("b", 2)));

    assertThat(s.leaderId()).isEmpty();
    assertThat(s.allAgreeOnLeader()).isFalse();
    assertThat(s.revision()).isEqualTo(7);
    assertThat(Readiness.describe(s)).isEqualTo("waiting for a leader: 1/2 members answering, no leader yet");
  }

  @Test
  void leaderNotAmongProbedMembers_isNamedByHexId() {
    ClusterStatus s = new ClusterStatus(List.of(answering("a", 1, 255, 3, 7)));

    assertThat(s.leaderName()).contains("ff");
    assertThat(s.leader()).isEmpty();
  }
}

package io.trireme.node.probe;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A point-in-time view of the store cluster, assembled from what each member reports. */
public record ClusterStatus(List<MemberReport> members) {
  public ClusterStatus {
    members = List.copyOf(members);
  }

  /** The leader id most reachable members agree on, if any member knows a leader. */
  public Optional<Long> leaderId() {
    Map<Long, Long> votes = members.stream().filter(MemberReport::reachable).map(m -> m.status().leaderId())
        .filter(id -> id != 0).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  /** The leader's name if the leader is one of the known members, else its id in hex. */
  public Optional<String> leaderName() {
    return leaderId().map(id -> members.stream().filter(m -> m.id() == id).map(m -> m.target().name())
        .findFirst().orElse(Long.toHexString(id)));
  }

  /** The leader's report, when the leader is one of the probed members. */
  public Optional<MemberReport> leader() {
    return leaderId().flatMap(id -> members.stream().filter(m -> m.reachable() && m.id() == id).findFirst());
  }

  /**
   * True when every member answered as itself (its reported id is the configured one, so no other cluster
   * answers in its place) and all of them name the same leader.
   */
  public boolean allAgreeOnLeader() {
    Optional<Long> leader = leaderId();
    return leader.isPresent() && members.stream()
        .allMatch(m -> m.reachable() && Objects.equals(m.status().leaderId(), leader.get())
            && (m.target().id() == 0 || m.target().id() == m.status().memberId()));
  }

  public long raftTerm() {
    return members.stream().filter(MemberReport::reachable).mapToLong(m -> m.status().raftTerm()).max().orElse(0);
  }

  /** The leader's revision, or the highest one reported when there is no leader among the probed members. */
  public long revision() {
    return leader().map(m -> m.status().revision()).orElseGet(() -> members.stream()
        .filter(MemberReport::reachable).map(m -> m.status().revision()).max(Comparator.naturalOrder()).orElse(0L));
  }

  public long reachableCount() {
    return members.stream().filter(MemberReport::reachable).count();
  }
}

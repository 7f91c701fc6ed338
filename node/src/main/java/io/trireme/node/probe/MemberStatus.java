package io.trireme.node.probe;

import java.util.List;

/**
 * What one member says about itself through the etcd {@code Maintenance.Status} call.
 *
 * @param memberId  the answering member's id
 * @param leaderId  the member id of the leader it knows (0: none)
 * @param raftTerm  current Raft term
 * @param raftIndex last Raft log index
 * @param revision  store revision
 * @param dbSize    database size in bytes as reported
 * @param version   server version string
 * @param errors    alarms / errors the member reports
 */
public record MemberStatus(long memberId, long leaderId, long raftTerm, long raftIndex, long revision, long dbSize,
    String version, List<String> errors) {

  public MemberStatus {
    errors = List.copyOf(errors);
  }

  public boolean hasLeader() {
    return leaderId != 0;
  }

  public boolean isLeader() {
    return leaderId != 0 && leaderId == memberId;
  }
}

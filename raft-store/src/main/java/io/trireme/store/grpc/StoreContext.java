package io.trireme.store.grpc;

import com.google.protobuf.MessageLite;
import io.etcd.jetcd.api.ResponseHeader;
import io.trireme.store.StoreConfig;
import io.trireme.store.lease.LeaseClock;
import io.trireme.store.mvcc.StoreException;
import io.trireme.store.raft.KvStateMachine;
import io.trireme.store.raft.RaftMember;
import io.trireme.store.watch.WatchHub;

/** What the etcd API services share: the member's config, Raft, state machine, watches and lease clock. */
public record StoreContext(StoreConfig config, RaftMember raft, KvStateMachine stateMachine, WatchHub watches,
    LeaseClock leaseClock) {

  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId(config.clusterId())
        .setMemberId(config.selfMember().id())
        .setRaftTerm(raft.term())
        .setRevision(revision)
        .build();
  }

  /** The header of a response whose revision the store already filled in. */
  public ResponseHeader header(ResponseHeader fromStore) {
    return header(fromStore.getRevision());
  }

  public long revision() {
    return stateMachine.read(s -> s.revision());
  }

  /** etcd refuses requests larger than --max-request-bytes before they reach Raft. */
  public void checkSize(MessageLite request) {
    if (request.getSerializedSize() > config.maxRequestBytes()) {
      throw new StoreException(StoreException.Kind.REQUEST_TOO_LARGE);
    }
  }
}

package io.trireme.store.grpc;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberPromoteResponse;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trireme.store.StoreMember;

/** etcd's Cluster service over Trireme's static membership. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private static final String STATIC = "etcdserver: trireme clusters have a static member list (see node.yaml)";
  private final StoreContext ctx;

  public ClusterService(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void memberList(MemberListRequest req, StreamObserver<MemberListResponse> out) {
    MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(ctx.header(ctx.revision()));
    for (StoreMember m : ctx.config().members()) {
      b.addMembers(Member.newBuilder().setID(m.id()).setName(m.name()).addPeerURLs(m.peerUrl())
          .addClientURLs(m.clientUrl()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void memberAdd(MemberAddRequest req, StreamObserver<MemberAddResponse> out) {
    out.onError(Status.FAILED_PRECONDITION.withDescription(STATIC).asRuntimeException());
  }

  @Override
  public void memberRemove(MemberRemoveRequest req, StreamObserver<MemberRemoveResponse> out) {
    out.onError(Status.FAILED_PRECONDITION.withDescription(STATIC).asRuntimeException());
  }

  @Override
  public void memberUpdate(MemberUpdateRequest req, StreamObserver<MemberUpdateResponse> out) {
    out.onError(Status.FAILED_PRECONDITION.withDescription(STATIC).asRuntimeException());
  }

  @Override
  public void memberPromote(MemberPromoteRequest req, StreamObserver<MemberPromoteResponse> out) {
    out.onError(Status.FAILED_PRECONDITION.withDescription(STATIC).asRuntimeException());
  }
}

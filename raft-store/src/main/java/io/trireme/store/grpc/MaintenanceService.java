package io.trireme.store.grpc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.MoveLeaderResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trireme.store.StoreMember;
import io.trireme.store.mvcc.SnapshotCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** etcd's Maintenance service: status, hashes, snapshot download, alarms, leader moves. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  /** The etcd API version Trireme speaks (what etcdctl prints as the server version). */
  public static final String API_VERSION = "3.5.0";
  private static final int CHUNK = 32 * 1024;

  private final StoreContext ctx;

  public MaintenanceService(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void status(StatusRequest req, StreamObserver<StatusResponse> out) {
    long leader = ctx.raft().leader().flatMap(name -> ctx.config().members().stream()
        .filter(m -> m.name().equals(name)).findFirst()).map(StoreMember::id).orElse(0L);
    long[] sizes = ctx.stateMachine().read(s -> new long[] {s.revision(), s.approxBytes()});
    out.onNext(StatusResponse.newBuilder()
        .setHeader(ctx.header(sizes[0]))
        .setVersion(API_VERSION)
        .setDbSize(sizes[1])
        .setDbSizeInUse(sizes[1])
        .setLeader(leader)
        .setRaftIndex(ctx.raft().commitIndex())
        .setRaftTerm(ctx.raft().term())
        .setRaftAppliedIndex(ctx.raft().appliedIndex())
        .build());
    out.onCompleted();
  }

  @Override
  public void hash(HashRequest req, StreamObserver<HashResponse> out) {
    long[] h = ctx.stateMachine().read(s -> new long[] {s.revision(), s.hash()});
    out.onNext(HashResponse.newBuilder().setHeader(ctx.header(h[0])).setHash((int) h[1]).build());
    out.onCompleted();
  }

  @Override
  public void hashKV(HashKVRequest req, StreamObserver<HashKVResponse> out) {
    Unary.reply(out, () -> java.util.concurrent.CompletableFuture.completedFuture(ctx.stateMachine().read(s -> {
      long rev = req.getRevision() == 0 ? s.revision() : s.checkRevision(req.getRevision());
      return HashKVResponse.newBuilder().setHeader(ctx.header(s.revision())).setHash((int) s.hashUpTo(rev))
          .setCompactRevision(s.compactRevision()).build();
    })));
  }

  @Override
  public void snapshot(SnapshotRequest req, StreamObserver<SnapshotResponse> out) {
    byte[] data;
    long rev;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      rev = ctx.stateMachine().read(s -> {
        try (DataOutputStream d = new DataOutputStream(bytes)) {
          SnapshotCodec.write(s, d);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return s.revision();
      });
      // etcd's snapshot is a bbolt file (whole 512-byte pages) followed by its sha256; etcdctl checks
      // that shape, so the payload is padded with zeros to whole pages (our reader ignores the tail).
      int pad = (512 - bytes.size() % 512) % 512;
      bytes.write(new byte[pad]);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      bytes.write(sha.digest(bytes.toByteArray())); // etcd appends the sha256 of the payload
      data = bytes.toByteArray();
    } catch (NoSuchAlgorithmException | IOException | RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription("etcdserver: snapshot failed: " + e.getMessage()).asRuntimeException());
      return;
    }
    for (int off = 0; off < data.length; off += CHUNK) {
      int n = Math.min(CHUNK, data.length - off);
      out.onNext(SnapshotResponse.newBuilder().setHeader(ctx.header(rev))
          .setRemainingBytes(data.length - off - n).setBlob(ByteString.copyFrom(data, off, n)).build());
    }
    out.onCompleted();
  }

  @Override
  public void alarm(AlarmRequest req, StreamObserver<AlarmResponse> out) {
    // Trireme raises no alarms: the store is memory-resident and has no space quota alarm yet.
    out.onNext(AlarmResponse.newBuilder().setHeader(ctx.header(ctx.revision())).build());
    out.onCompleted();
  }

  @Override
  public void defragment(DefragmentRequest req, StreamObserver<DefragmentResponse> out) {
    // Nothing to defragment: compaction frees memory directly.
    out.onNext(DefragmentResponse.newBuilder().setHeader(ctx.header(ctx.revision())).build());
    out.onCompleted();
  }

  @Override
  public void moveLeader(MoveLeaderRequest req, StreamObserver<MoveLeaderResponse> out) {
    var target = ctx.config().members().stream().filter(m -> m.id() == req.getTargetID()).findFirst();
    if (target.isEmpty()) {
      out.onError(Status.FAILED_PRECONDITION.withDescription("etcdserver: bad leader transferee").asRuntimeException());
      return;
    }
    try {
      ctx.raft().transferLeadership(target.get().name(), 5000);
      out.onNext(MoveLeaderResponse.newBuilder().setHeader(ctx.header(ctx.revision())).build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(Status.UNAVAILABLE.withDescription("etcdserver: " + e.getMessage()).asRuntimeException());
    }
  }
}

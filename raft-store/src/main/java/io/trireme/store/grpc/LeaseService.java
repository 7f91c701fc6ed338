package io.trireme.store.grpc;

import com.google.protobuf.CodedOutputStream;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.trireme.store.mvcc.LeaseTable;
import io.trireme.store.mvcc.StoreException;
import io.trireme.store.raft.Op;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * etcd's Lease service. Grants, revokes and keep-alives go through the log; time-to-live is answered
 * from this member's lease clock. {@code LeaseLeases} is missing from jetcd's proto and is added here
 * with a hand-written (tiny) message encoding.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final StoreContext ctx;

  public LeaseService(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void leaseGrant(LeaseGrantRequest req, StreamObserver<LeaseGrantResponse> out) {
    Unary.reply(out, () -> {
      if (req.getTTL() > LeaseTable.MAX_TTL_SECONDS) throw new StoreException(StoreException.Kind.LEASE_TTL_TOO_LARGE);
      LeaseGrantRequest r = req.getID() != 0 ? req
          : req.toBuilder().setID(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).build();
      return ctx.raft().write(Op.LEASE_GRANT, r)
          .thenApply(b -> KvService.parse(LeaseGrantResponse.parser(), b))
          .thenApply(g -> g.toBuilder().setHeader(ctx.header(g.getHeader())).build());
    });
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest req, StreamObserver<LeaseRevokeResponse> out) {
    Unary.reply(out, () -> ctx.raft().write(Op.LEASE_REVOKE, req)
        .thenApply(b -> KvService.parse(LeaseRevokeResponse.parser(), b))
        .thenApply(g -> g.toBuilder().setHeader(ctx.header(g.getHeader())).build()));
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveRequest req) {
        ctx.raft().write(Op.LEASE_KEEPALIVE, req).whenComplete((b, err) -> {
          LeaseKeepAliveResponse resp;
          if (err == null) {
            LeaseKeepAliveResponse r = KvService.parse(LeaseKeepAliveResponse.parser(), b);
            resp = r.toBuilder().setHeader(ctx.header(r.getHeader())).build();
          } else if (EtcdErrors.of(err).getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
            // etcd answers a keep-alive of an unknown lease with TTL 0, not an error
            resp = LeaseKeepAliveResponse.newBuilder().setHeader(ctx.header(ctx.revision())).setID(req.getID())
                .setTTL(0).build();
          } else {
            synchronized (out) {
              out.onError(EtcdErrors.of(err));
            }
            return;
          }
          synchronized (out) {
            out.onNext(resp);
          }
        });
      }

      @Override
      public void onError(Throwable t) { }

      @Override
      public void onCompleted() {
        synchronized (out) {
          out.onCompleted();
        }
      }
    };
  }

  @Override
  public void leaseTimeToLive(LeaseTimeToLiveRequest req, StreamObserver<LeaseTimeToLiveResponse> out) {
    Unary.reply(out, () -> CompletableFuture.completedFuture(ctx.stateMachine().read(s -> {
      LeaseTable.Lease l = s.leases().get(req.getID());
      LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
          .setHeader(ctx.header(s.revision())).setID(req.getID());
      if (l == null) return b.setTTL(-1).build();
      b.setTTL(ctx.leaseClock().remainingSeconds(l.id())).setGrantedTTL(l.ttl());
      if (req.getKeys()) b.addAllKeys(List.copyOf(l.keys()));
      return b.build();
    })));
  }

  /** The Lease service with LeaseLeases added beside jetcd's generated methods. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition base = bindService();
    MethodDescriptor<byte[], byte[]> leases = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
        .setRequestMarshaller(io.trireme.store.RawBytes.MARSHALLER)
        .setResponseMarshaller(io.trireme.store.RawBytes.MARSHALLER)
        .build();
    ServiceDescriptor.Builder sd = ServiceDescriptor.newBuilder(LeaseGrpc.SERVICE_NAME);
    base.getServiceDescriptor().getMethods().forEach(sd::addMethod);
    sd.addMethod(leases);
    ServerServiceDefinition.Builder def = ServerServiceDefinition.builder(sd.build());
    for (ServerMethodDefinition<?, ?> m : base.getMethods()) def.addMethod(m);
    def.addMethod(leases, ServerCalls.asyncUnaryCall((byte[] req, StreamObserver<byte[]> out) -> {
      out.onNext(encodeLeases());
      out.onCompleted();
    }));
    return def.build();
  }

  /** LeaseLeasesResponse { ResponseHeader header = 1; repeated LeaseStatus leases = 2; } LeaseStatus { int64 ID = 1; } */
  private byte[] encodeLeases() {
    return ctx.stateMachine().read(s -> {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        o.writeMessage(1, ctx.header(s.revision()));
        for (LeaseTable.Lease l : s.leases().all()) {
          o.writeTag(2, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
          o.writeUInt32NoTag(CodedOutputStream.computeInt64Size(1, l.id()));
          o.writeInt64(1, l.id());
        }
        o.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }


}

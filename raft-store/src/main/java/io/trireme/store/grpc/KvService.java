package io.trireme.store.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import io.trireme.store.mvcc.RangeReader;
import io.trireme.store.mvcc.StoreException;
import io.trireme.store.raft.Op;
import java.util.concurrent.CompletableFuture;

/** etcd's KV service: a thin adapter — check, delegate to Raft or the local store, fill the header. */
public final class KvService extends KVGrpc.KVImplBase {
  private final StoreContext ctx;

  public KvService(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
    Unary.reply(out, () -> {
      // etcd limits only requests that go through Raft; a range is a read (gRPC's 2 MiB cap still holds)
      if (req.getSerializable()) {
        RangeResponse r = ctx.stateMachine().read(s -> RangeReader.range(s, req));
        return CompletableFuture.completedFuture(r.toBuilder().setHeader(ctx.header(r.getHeader())).build());
      }
      return ctx.raft().linearizableRead(Op.RANGE, req, s -> RangeReader.range(s, req), RangeResponse.parser())
          .thenApply(r -> r.toBuilder().setHeader(ctx.header(r.getHeader())).build());
    });
  }

  @Override
  public void put(PutRequest req, StreamObserver<PutResponse> out) {
    Unary.reply(out, () -> {
      ctx.checkSize(req);
      if (req.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
      return ctx.raft().write(Op.PUT, req)
          .thenApply(b -> parse(PutResponse.parser(), b))
          .thenApply(r -> r.toBuilder().setHeader(ctx.header(r.getHeader())).build());
    });
  }

  @Override
  public void deleteRange(DeleteRangeRequest req, StreamObserver<DeleteRangeResponse> out) {
    Unary.reply(out, () -> {
      ctx.checkSize(req);
      if (req.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
      return ctx.raft().write(Op.DELETE_RANGE, req)
          .thenApply(b -> parse(DeleteRangeResponse.parser(), b))
          .thenApply(r -> r.toBuilder().setHeader(ctx.header(r.getHeader())).build());
    });
  }

  @Override
  public void txn(TxnRequest req, StreamObserver<TxnResponse> out) {
    Unary.reply(out, () -> {
      ctx.checkSize(req);
      io.trireme.store.mvcc.TxnApplier.checkShape(req, ctx.config().maxTxnOps());
      CompletableFuture<TxnResponse> f = isReadOnly(req)
          ? ctx.raft().linearizableRead(Op.READ_TXN, req, s -> ctx.stateMachine().readOnlyTxn(s, req),
              TxnResponse.parser())
          : ctx.raft().write(Op.TXN, req).thenApply(b -> parse(TxnResponse.parser(), b));
      return f.thenApply(r -> r.toBuilder().setHeader(ctx.header(r.getHeader())).build());
    });
  }

  @Override
  public void compact(CompactionRequest req, StreamObserver<CompactionResponse> out) {
    Unary.reply(out, () -> ctx.raft().write(Op.COMPACT, req)
        .thenApply(b -> parse(CompactionResponse.parser(), b))
        .thenApply(r -> r.toBuilder().setHeader(ctx.header(r.getHeader())).build()));
  }

  static boolean isReadOnly(TxnRequest t) {
    return t.getSuccessList().stream().allMatch(KvService::isReadOnly)
        && t.getFailureList().stream().allMatch(KvService::isReadOnly);
  }

  private static boolean isReadOnly(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE, REQUEST_NOT_SET -> true;
      case REQUEST_TXN -> isReadOnly(op.getRequestTxn());
      case REQUEST_PUT, REQUEST_DELETE_RANGE -> false;
    };
  }

  static <T> T parse(com.google.protobuf.Parser<T> parser, ByteString bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, "bad store reply: " + e.getMessage());
    }
  }
}

package io.trireme.apiserver.storage;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.trireme.apiserver.status.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The apiserver's only door to the store: the etcd v3 KV and Watch services, called asynchronously over a
 * gRPC channel (in-process inside a node, a real etcd in tests). Store errors are translated here, once.
 */
public final class EtcdKv {
  private final KVGrpc.KVFutureStub kv;
  private final WatchGrpc.WatchStub watch;
  private final LeaseGrpc.LeaseFutureStub lease;
  private final LeaseGrpc.LeaseStub leaseStream;
  private final long timeoutMillis;

  public EtcdKv(Channel channel, long timeoutMillis) {
    this.kv = KVGrpc.newFutureStub(channel);
    this.watch = WatchGrpc.newStub(channel);
    this.lease = LeaseGrpc.newFutureStub(channel);
    this.leaseStream = LeaseGrpc.newStub(channel);
    this.timeoutMillis = timeoutMillis;
  }

  public static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** The range end that selects every key starting with {@code prefix}. */
  public static ByteString prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        byte[] end = java.util.Arrays.copyOf(b, i + 1);
        end[i]++;
        return ByteString.copyFrom(end);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  public CompletableFuture<RangeResponse> get(String key) {
    return range(RangeRequest.newBuilder().setKey(bytes(key)).build());
  }

  public CompletableFuture<RangeResponse> range(RangeRequest request) {
    return toCompletable(kv.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).range(request));
  }

  public CompletableFuture<TxnResponse> txn(List<Compare> compares, List<RequestOp> success,
      List<RequestOp> failure) {
    TxnRequest req = TxnRequest.newBuilder().addAllCompare(compares).addAllSuccess(success)
        .addAllFailure(failure).build();
    return toCompletable(kv.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).txn(req));
  }

  /** Grants a lease of {@code ttlSeconds}; the future holds its id. */
  public CompletableFuture<Long> grantLease(long ttlSeconds) {
    return toCompletable(lease.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build())).thenApply(LeaseGrantResponse::getID);
  }

  /** Renews a lease once; the future holds the remaining TTL (0 or less when the lease is gone). */
  public CompletableFuture<Long> keepAlive(long id) {
    CompletableFuture<Long> ttl = new CompletableFuture<>();
    StreamObserver<LeaseKeepAliveRequest> req = leaseStream.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .leaseKeepAlive(new StreamObserver<LeaseKeepAliveResponse>() {
          @Override
          public void onNext(LeaseKeepAliveResponse r) {
            ttl.complete(r.getTTL());
          }

          @Override
          public void onError(Throwable t) {
            ttl.completeExceptionally(translate(t));
          }

          @Override
          public void onCompleted() {
            ttl.complete(0L);
          }
        });
    req.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    return ttl.whenComplete((v, err) -> req.onCompleted());
  }

  /** Revokes a lease (its keys go at once). */
  public CompletableFuture<Void> revokeLease(long id) {
    return toCompletable(lease.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build())).thenApply(r -> null);
  }

  /** Opens a watch stream; the caller sends the create request and later closes the stream. */
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return watch.watch(responses);
  }

  /** A gRPC future as a CompletableFuture; failures are left untranslated. */
  public static <T> CompletableFuture<T> future(ListenableFuture<T> lf) {
    CompletableFuture<T> cf = new CompletableFuture<>();
    Futures.addCallback(lf, new FutureCallback<T>() {
      @Override
      public void onSuccess(T result) {
        cf.complete(result);
      }

      @Override
      public void onFailure(Throwable t) {
        cf.completeExceptionally(t);
      }
    }, MoreExecutors.directExecutor());
    return cf;
  }

  private static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> lf) {
    return future(lf).exceptionally(t -> {
      throw translate(t);
    });
  }

  /** Maps a store failure to the apiserver's exception family. */
  public static ApiException translate(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      Status s = sre.getStatus();
      String desc = String.valueOf(s.getDescription());
      if (desc.contains("compacted")) {
        return ApiException.expired("The resourceVersion for the provided request is too old: " + desc);
      }
      if (desc.contains("future revision")) {
        return ApiException.badRequest("Too large resource version: " + desc);
      }
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED || s.getCode() == Status.Code.UNAVAILABLE) {
        return ApiException.unavailable("storage is unavailable: " + s.getCode() + " " + desc);
      }
      return ApiException.internal("storage error: " + s.getCode() + " " + desc);
    }
    return ApiException.of(t);
  }
}

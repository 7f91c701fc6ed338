package io.trireme.store.it;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Blocking etcd v3 calls against one member's client port, each with a fresh deadline (a stub's
 * deadline is absolute, so stubs are never kept).
 */
final class StoreClient {
  static final long DEADLINE_MS = 15_000;
  private static final int ATTEMPTS = 10;

  private final ManagedChannel channel;

  StoreClient(ManagedChannel channel) {
    this.channel = channel;
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** The range_end that selects every key with this prefix. */
  static ByteString prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    b[b.length - 1]++;
    return ByteString.copyFrom(b);
  }

  KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  ManagedChannel channel() {
    return channel;
  }

  PutResponse put(String key, String value) {
    return kv().put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build());
  }

  PutResponse put(String key, String value, long lease) {
    return kv().put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).setLease(lease).build());
  }

  /**
   * Creates {@code key} if it does not exist, else reads it: retrying this after an unknown outcome
   * never writes twice. Returns the key as stored (its mod revision is the revision of the one write).
   */
  KeyValue createOnce(String key, String value) {
    TxnResponse r = kv().txn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(
            PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))))
        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))))
        .build());
    if (r.getSucceeded()) {
      return KeyValue.newBuilder().setKey(bytes(key)).setValue(bytes(value))
          .setModRevision(r.getHeader().getRevision()).setCreateRevision(r.getHeader().getRevision())
          .setVersion(1).build();
    }
    return r.getResponses(0).getResponseRange().getKvs(0);
  }

  /**
   * {@link #createOnce} retried while the cluster has no leader or times out (as a client does); safe
   * because a retry never writes twice.
   */
  KeyValue createOnceRetrying(String key, String value) {
    for (int attempt = 1; ; attempt++) {
      try {
        return createOnce(key, value);
      } catch (StatusRuntimeException e) {
        if (attempt >= ATTEMPTS || !retriable(e)) throw e;
      }
    }
  }

  /** A put retried on "no leader"/timeouts: only for setup, where writing a value twice is harmless. */
  PutResponse putRetrying(String key, String value) {
    for (int attempt = 1; ; attempt++) {
      try {
        return put(key, value);
      } catch (StatusRuntimeException e) {
        if (attempt >= ATTEMPTS || !retriable(e)) throw e;
      }
    }
  }

  static boolean retriable(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  RangeResponse get(String key, boolean serializable) {
    return kv().range(RangeRequest.newBuilder().setKey(bytes(key)).setSerializable(serializable).build());
  }

  /** Every live key with this prefix, in key order. */
  List<KeyValue> prefix(String prefix, boolean serializable) {
    return kv().range(RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(prefixEnd(prefix))
        .setSerializable(serializable).build()).getKvsList();
  }

  /** Every live key of the store, in key order (serializable: this member's own view). */
  RangeResponse all(boolean serializable) {
    return kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0})).setSerializable(serializable).build());
  }

  HashKVResponse hashKv(long revision) {
    return maintenance().hashKV(HashKVRequest.newBuilder().setRevision(revision).build());
  }

  StatusResponse status() {
    return maintenance().status(StatusRequest.getDefaultInstance());
  }
}

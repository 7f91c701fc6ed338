package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.List;

/** Request builders and one-revision appliers shared by the mvcc unit tests. */
final class Requests {
  static final int MAX_OPS = 128;

  private Requests() {}

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static PutRequest.Builder putReq(String key, String value) {
    return PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value));
  }

  static RangeRequest.Builder rangeReq(String key, String end) {
    return RangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end));
  }

  static PutResponse put(MvccStore s, String key, String value) {
    return put(s, putReq(key, value).build());
  }

  static PutResponse put(MvccStore s, PutRequest r) {
    WriteTxn w = s.beginWrite();
    PutResponse resp = w.put(r);
    s.commit(w);
    return resp;
  }

  static DeleteRangeResponse delete(MvccStore s, String key, String end, boolean prevKv) {
    WriteTxn w = s.beginWrite();
    DeleteRangeResponse resp = w.deleteRange(
        DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end)).setPrevKv(prevKv).build());
    s.commit(w);
    return resp;
  }

  static RangeResponse range(MvccStore s, RangeRequest.Builder r) {
    return RangeReader.range(s, r.build());
  }

  /** The single live key-value of {@code key} now, or null. */
  static KeyValue get(MvccStore s, String key) {
    RangeResponse r = RangeReader.range(s, RangeRequest.newBuilder().setKey(bs(key)).build());
    return r.getKvsCount() == 0 ? null : r.getKvs(0);
  }

  static List<String> keys(RangeResponse r) {
    return r.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
  }

  /** Checks and applies a txn as the state machine does: one revision, committed only if it succeeded. */
  static TxnResponse txn(MvccStore s, TxnRequest t) {
    TxnApplier.checkShape(t, MAX_OPS);
    WriteTxn w = s.beginWrite();
    TxnResponse r = TxnApplier.apply(s, w, t);
    s.commit(w);
    return r;
  }

  static RequestOp opPut(String key, String value) {
    return RequestOp.newBuilder().setRequestPut(putReq(key, value)).build();
  }

  static RequestOp opPut(PutRequest.Builder p) {
    return RequestOp.newBuilder().setRequestPut(p).build();
  }

  static RequestOp opRange(RangeRequest.Builder r) {
    return RequestOp.newBuilder().setRequestRange(r).build();
  }

  static RequestOp opDelete(String key, String end) {
    return RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end))).build();
  }

  static RequestOp opTxn(TxnRequest.Builder t) {
    return RequestOp.newBuilder().setRequestTxn(t).build();
  }

  static Compare.Builder cmp(String key, Compare.CompareTarget target, Compare.CompareResult result) {
    return Compare.newBuilder().setKey(bs(key)).setTarget(target).setResult(result);
  }

  /** etcd's LEASE compare (target 4, field 8), which jetcd's generated Compare does not know. */
  static Compare leaseCmp(String key, Compare.CompareResult result, long lease) {
    return Compare.newBuilder().setKey(bs(key)).setTargetValue(4).setResult(result)
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build())
        .build();
  }
}

package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** etcd's Txn: compares evaluated atomically, then one branch of (nested) operations in one revision. */
public final class TxnApplier {
  private TxnApplier() {}

  /** Checks that need no state (etcd's checkTxnRequest / checkIntervals), before anything is applied. */
  public static void checkShape(TxnRequest t, int maxOps) {
    if (t.getCompareCount() > maxOps || t.getSuccessCount() > maxOps || t.getFailureCount() > maxOps) {
      throw new StoreException(StoreException.Kind.TOO_MANY_OPS);
    }
    for (Compare c : t.getCompareList()) {
      if (c.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
    }
    checkBranch(t.getSuccessList(), maxOps);
    checkBranch(t.getFailureList(), maxOps);
  }

  private static void checkBranch(List<RequestOp> ops, int maxOps) {
    TreeSet<ByteString> puts = new TreeSet<>(MvccStore.KEY_ORDER);
    List<ByteString[]> deletes = new ArrayList<>();
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> RangeReader.check(op.getRequestRange());
        case REQUEST_PUT -> {
          if (op.getRequestPut().getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
          if (!puts.add(op.getRequestPut().getKey())) throw new StoreException(StoreException.Kind.DUPLICATE_KEY);
        }
        case REQUEST_DELETE_RANGE -> {
          var d = op.getRequestDeleteRange();
          if (d.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
          deletes.add(new ByteString[] {d.getKey(), d.getRangeEnd()});
        }
        case REQUEST_TXN -> checkShape(op.getRequestTxn(), maxOps);
        case REQUEST_NOT_SET -> { }
      }
    }
    for (ByteString key : puts) {
      for (ByteString[] d : deletes) {
        if (covers(d[0], d[1], key)) throw new StoreException(StoreException.Kind.DUPLICATE_KEY);
      }
    }
  }

  static boolean covers(ByteString key, ByteString end, ByteString k) {
    if (end.isEmpty()) return key.equals(k);
    if (MvccStore.KEY_ORDER.compare(k, key) < 0) return false;
    return MvccStore.isAllFrom(end) || MvccStore.KEY_ORDER.compare(k, end) < 0;
  }

  /** Applies {@code t} inside {@code w}; throws before changing anything if the chosen branch is invalid. */
  public static TxnResponse apply(MvccStore store, WriteTxn w, TxnRequest t) {
    boolean ok = evaluate(store, t.getCompareList());
    List<RequestOp> ops = ok ? t.getSuccessList() : t.getFailureList();
    checkState(store, w, ops);
    TxnResponse.Builder resp = TxnResponse.newBuilder().setSucceeded(ok);
    for (RequestOp op : ops) {
      ResponseOp.Builder r = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> r.setResponseRange(RangeReader.range(store, op.getRequestRange(), w.readRevision()));
        case REQUEST_PUT -> r.setResponsePut(w.put(op.getRequestPut()));
        case REQUEST_DELETE_RANGE -> r.setResponseDeleteRange(w.deleteRange(op.getRequestDeleteRange()));
        case REQUEST_TXN -> r.setResponseTxn(apply(store, w, op.getRequestTxn()));
        case REQUEST_NOT_SET -> { }
      }
      resp.addResponses(r);
    }
    long rev = w.readRevision();
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  /** The state-dependent checks of the chosen branch (lease exists, key exists, revisions valid). */
  private static void checkState(MvccStore store, WriteTxn w, List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {
          RangeRequest rr = op.getRequestRange();
          if (rr.getRevision() > 0) store.checkRevision(rr.getRevision());
        }
        case REQUEST_PUT -> w.checkPut(op.getRequestPut());
        case REQUEST_TXN -> {
          TxnRequest nested = op.getRequestTxn();
          checkState(store, w, evaluate(store, nested.getCompareList())
              ? nested.getSuccessList() : nested.getFailureList());
        }
        case REQUEST_DELETE_RANGE, REQUEST_NOT_SET -> { }
      }
    }
  }

  static boolean evaluate(MvccStore store, List<Compare> compares) {
    for (Compare c : compares) {
      if (!evaluate(store, c)) return false;
    }
    return true;
  }

  private static boolean evaluate(MvccStore store, Compare c) {
    List<KeyValue> kvs = new ArrayList<>();
    store.scan(c.getKey(), c.getRangeEnd(), Long.MAX_VALUE, kv -> kvs.add(kv));
    if (kvs.isEmpty()) {
      if (c.getTarget() == Compare.CompareTarget.VALUE) return false;
      return compare(c, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : kvs) {
      if (!compare(c, kv)) return false;
    }
    return true;
  }

  /** etcd's LEASE compare target (4) and lease field (8) are missing from jetcd's proto; read them raw. */
  static final int TARGET_LEASE = 4;
  private static final int FIELD_LEASE = 8;

  static long compareLease(Compare c) {
    var f = c.getUnknownFields().getField(FIELD_LEASE);
    return f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(f.getVarintList().size() - 1);
  }

  private static boolean compare(Compare c, KeyValue kv) {
    int r = switch (c.getTarget()) {
      case VERSION -> Long.compare(kv.getVersion(), c.getVersion());
      case CREATE -> Long.compare(kv.getCreateRevision(), c.getCreateRevision());
      case MOD -> Long.compare(kv.getModRevision(), c.getModRevision());
      case VALUE -> MvccStore.KEY_ORDER.compare(kv.getValue(), c.getValue());
      case UNRECOGNIZED -> {
        if (c.getTargetValue() != TARGET_LEASE) {
          throw new StoreException(StoreException.Kind.INVALID_SORT_OPTION, "bad compare target");
        }
        yield Long.compare(kv.getLease(), compareLease(c));
      }
    };
    return switch (c.getResult()) {
      case EQUAL -> r == 0;
      case GREATER -> r > 0;
      case LESS -> r < 0;
      case NOT_EQUAL -> r != 0;
      case UNRECOGNIZED -> throw new StoreException(StoreException.Kind.INVALID_SORT_OPTION, "bad compare result");
    };
  }
}

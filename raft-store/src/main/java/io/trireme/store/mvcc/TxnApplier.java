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
    checkShape(t, maxOps, new TreeSet<>(MvccStore.KEY_ORDER), new ArrayList<>());
  }

  /** Checks {@code t} and adds the keys its branches may put or delete to {@code puts}/{@code deletes}. */
  private static void checkShape(TxnRequest t, int maxOps, TreeSet<ByteString> puts, List<ByteString[]> deletes) {
    if (t.getCompareCount() > maxOps || t.getSuccessCount() > maxOps || t.getFailureCount() > maxOps) {
      throw new StoreException(StoreException.Kind.TOO_MANY_OPS);
    }
    for (Compare c : t.getCompareList()) {
      if (c.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
    }
    // etcd gives a nested txn only what its parent left of the op budget
    int nestedBudget = maxOps - Math.max(t.getCompareCount(), Math.max(t.getSuccessCount(), t.getFailureCount()));
    TreeSet<ByteString> successPuts = new TreeSet<>(MvccStore.KEY_ORDER);
    TreeSet<ByteString> failurePuts = new TreeSet<>(MvccStore.KEY_ORDER);
    checkBranch(t.getSuccessList(), nestedBudget, successPuts, deletes);
    checkBranch(t.getFailureList(), nestedBudget, failurePuts, deletes);
    for (ByteString k : successPuts) {
      if (!puts.add(k)) throw new StoreException(StoreException.Kind.DUPLICATE_KEY);
    }
    for (ByteString k : failurePuts) {
      if (!successPuts.contains(k) && !puts.add(k)) throw new StoreException(StoreException.Kind.DUPLICATE_KEY);
    }
  }

  private static void checkBranch(List<RequestOp> ops, int nestedBudget, TreeSet<ByteString> puts,
      List<ByteString[]> outerDeletes) {
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
        case REQUEST_TXN -> checkShape(op.getRequestTxn(), nestedBudget, puts, deletes);
        case REQUEST_NOT_SET -> throw new StoreException(StoreException.Kind.KEY_NOT_FOUND);
      }
    }
    for (ByteString key : puts) {
      for (ByteString[] d : deletes) {
        if (covers(d[0], d[1], key)) throw new StoreException(StoreException.Kind.DUPLICATE_KEY);
      }
    }
    outerDeletes.addAll(deletes);
  }

  static boolean covers(ByteString key, ByteString end, ByteString k) {
    if (end.isEmpty()) return key.equals(k);
    if (MvccStore.KEY_ORDER.compare(k, key) < 0) return false;
    return MvccStore.isAllFrom(end) || MvccStore.KEY_ORDER.compare(k, end) < 0;
  }

  /**
   * Applies {@code t} inside {@code w}. Like etcd, every branch (nested ones included) is chosen on the
   * state before the txn, and the chosen path is checked before anything is written; if a write still
   * fails, the caller rolls {@code w} back.
   */
  public static TxnResponse apply(MvccStore store, WriteTxn w, TxnRequest t) {
    List<Boolean> path = new ArrayList<>();
    choosePath(store, t, path);
    checkState(store, w, t, path.iterator());
    return apply(store, w, t, path.iterator());
  }

  /** Pre-order: one boolean per txn on the chosen path (etcd's compareToPath). */
  private static void choosePath(MvccStore store, TxnRequest t, List<Boolean> path) {
    boolean ok = evaluate(store, t.getCompareList());
    path.add(ok);
    for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) choosePath(store, op.getRequestTxn(), path);
    }
  }

  private static TxnResponse apply(MvccStore store, WriteTxn w, TxnRequest t, java.util.Iterator<Boolean> path) {
    boolean ok = path.next();
    TxnResponse.Builder resp = TxnResponse.newBuilder().setSucceeded(ok);
    for (RequestOp op : ok ? t.getSuccessList() : t.getFailureList()) {
      ResponseOp.Builder r = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> r.setResponseRange(RangeReader.range(store, op.getRequestRange(), w.readRevision()));
        case REQUEST_PUT -> r.setResponsePut(w.put(op.getRequestPut()));
        case REQUEST_DELETE_RANGE -> r.setResponseDeleteRange(w.deleteRange(op.getRequestDeleteRange()));
        case REQUEST_TXN -> r.setResponseTxn(apply(store, w, op.getRequestTxn(), path));
        case REQUEST_NOT_SET -> throw new StoreException(StoreException.Kind.KEY_NOT_FOUND);
      }
      resp.addResponses(r);
    }
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(w.readRevision())).build();
  }

  /** The state-dependent checks of the chosen path (lease exists, key exists, revisions valid). */
  private static void checkState(MvccStore store, WriteTxn w, TxnRequest t, java.util.Iterator<Boolean> path) {
    for (RequestOp op : path.next() ? t.getSuccessList() : t.getFailureList()) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {
          RangeRequest rr = op.getRequestRange();
          if (rr.getRevision() > 0) store.checkRevision(rr.getRevision());
        }
        case REQUEST_PUT -> w.checkPut(op.getRequestPut());
        case REQUEST_TXN -> checkState(store, w, op.getRequestTxn(), path);
        case REQUEST_DELETE_RANGE -> { }
        case REQUEST_NOT_SET -> throw new StoreException(StoreException.Kind.KEY_NOT_FOUND);
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

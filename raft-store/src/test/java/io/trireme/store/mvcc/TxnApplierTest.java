package io.trireme.store.mvcc;

import static io.trireme.store.mvcc.Requests.bs;
import static io.trireme.store.mvcc.Requests.cmp;
import static io.trireme.store.mvcc.Requests.get;
import static io.trireme.store.mvcc.Requests.leaseCmp;
import static io.trireme.store.mvcc.Requests.opDelete;
import static io.trireme.store.mvcc.Requests.opPut;
import static io.trireme.store.mvcc.Requests.opRange;
import static io.trireme.store.mvcc.Requests.opTxn;
import static io.trireme.store.mvcc.Requests.put;
import static io.trireme.store.mvcc.Requests.putReq;
import static io.trireme.store.mvcc.Requests.rangeReq;
import static io.trireme.store.mvcc.Requests.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.Compare.CompareResult;
import io.etcd.jetcd.api.Compare.CompareTarget;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import org.junit.jupiter.api.Test;

/** etcd's Txn: compares on every target, branch choice, reads of own writes, nesting, shape checks. */
class TxnApplierTest {
  private final MvccStore store = new MvccStore();

  private boolean holds(Compare... compares) {
    TxnRequest t = TxnRequest.newBuilder().addAllCompare(java.util.List.of(compares)).build();
    TxnResponse r = txn(store, t);
    return r.getSucceeded();
  }

  private static void assertKind(Runnable r, StoreException.Kind kind) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @Test
  void compare_value_allResults() {
    put(store, "a", "m");
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("m")).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("n")).build())).isFalse();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.GREATER).setValue(bs("l")).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.GREATER).setValue(bs("m")).build())).isFalse();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.LESS).setValue(bs("mm")).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bs("m")).build())).isFalse();
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.LESS).setValue(bs("\u0080")).build())).isTrue();
  }

  @Test
  void compare_valueOfMissingKey_alwaysFails_otherTargetsSeeZero() {
    assertThat(holds(cmp("x", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("")).build())).isFalse();
    assertThat(holds(cmp("x", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bs("a")).build())).isFalse();
    assertThat(holds(cmp("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0).build())).isTrue();
    assertThat(holds(cmp("x", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(0).build())).isTrue();
    assertThat(holds(cmp("x", CompareTarget.MOD, CompareResult.LESS).setModRevision(1).build())).isTrue();
    assertThat(holds(leaseCmp("x", CompareResult.EQUAL, 0))).isTrue();
  }

  @Test
  void compare_versionCreateMod() {
    put(store, "a", "1"); // 2
    put(store, "b", "1"); // 3
    put(store, "a", "2"); // 4: a version 2, create 2, mod 4
    assertThat(holds(cmp("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.VERSION, CompareResult.GREATER).setVersion(2).build())).isFalse();
    assertThat(holds(cmp("a", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(2).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.CREATE, CompareResult.LESS).setCreateRevision(3).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.MOD, CompareResult.EQUAL).setModRevision(4).build())).isTrue();
    assertThat(holds(cmp("a", CompareTarget.MOD, CompareResult.NOT_EQUAL).setModRevision(4).build())).isFalse();
    assertThat(holds(cmp("a", CompareTarget.MOD, CompareResult.GREATER).setModRevision(3).build())).isTrue();
  }

  @Test
  void compare_lease_readFromUnknownField8() {
    store.grantLease(7, 30);
    put(store, putReq("a", "1").setLease(7).build());
    put(store, "b", "1");
    assertThat(holds(leaseCmp("a", CompareResult.EQUAL, 7))).isTrue();
    assertThat(holds(leaseCmp("a", CompareResult.EQUAL, 8))).isFalse();
    assertThat(holds(leaseCmp("a", CompareResult.GREATER, 6))).isTrue();
    assertThat(holds(leaseCmp("b", CompareResult.EQUAL, 0))).isTrue();
    assertThat(holds(leaseCmp("b", CompareResult.NOT_EQUAL, 7))).isTrue();
  }

  @Test
  void compare_overARange_holdsOnlyIfEveryKeyMatches() {
    put(store, "k/a", "1");
    put(store, "k/b", "1");
    put(store, "k/c", "2");
    assertThat(holds(cmp("k/", CompareTarget.VALUE, CompareResult.EQUAL).setRangeEnd(bs("k/c")).setValue(bs("1")).build()))
        .isTrue();
    assertThat(holds(cmp("k/", CompareTarget.VALUE, CompareResult.EQUAL).setRangeEnd(bs("k0")).setValue(bs("1")).build()))
        .isFalse();
    assertThat(holds(cmp("k/", CompareTarget.VERSION, CompareResult.EQUAL).setRangeEnd(bs("\0")).setVersion(1).build()))
        .isTrue();
  }

  @Test
  void compare_allMustHold() {
    put(store, "a", "1");
    assertThat(holds(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("1")).build(),
        cmp("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2).build())).isFalse();
  }

  @Test
  void branches_successOrFailureOpsRun_inOneRevision() {
    put(store, "a", "1");
    TxnRequest.Builder t = TxnRequest.newBuilder()
        .addCompare(cmp("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bs("1")))
        .addSuccess(opPut("s1", "x")).addSuccess(opPut("s2", "x"))
        .addFailure(opPut("f1", "x"));
    TxnResponse r = txn(store, t.build());
    assertThat(r.getSucceeded()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(3);
    assertThat(r.getResponsesCount()).isEqualTo(2);
    assertThat(r.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(3);
    assertThat(get(store, "s1").getModRevision()).isEqualTo(3);
    assertThat(get(store, "s2").getModRevision()).isEqualTo(3);
    assertThat(get(store, "f1")).isNull();
    put(store, "a", "2");
    TxnResponse f = txn(store, t.build());
    assertThat(f.getSucceeded()).isFalse();
    assertThat(get(store, "f1").getModRevision()).isEqualTo(5);
  }

  @Test
  void readsInsideTxn_seeEarlierWritesOfTheTxn() {
    put(store, "b", "gone");
    put(store, "a", "old");
    TxnResponse r = txn(store, TxnRequest.newBuilder()
        .addSuccess(opRange(rangeReq("a", "")))
        .addSuccess(opPut("a", "new"))
        .addSuccess(opRange(rangeReq("a", "")))
        .addSuccess(opRange(rangeReq("b", "")))
        .addSuccess(opDelete("b", ""))
        .addSuccess(opRange(rangeReq("b", "")))
        .build());
    assertThat(r.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("old"));
    assertThat(r.getResponses(0).getResponseRange().getHeader().getRevision()).isEqualTo(3);
    assertThat(r.getResponses(2).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("new"));
    assertThat(r.getResponses(2).getResponseRange().getKvs(0).getModRevision()).isEqualTo(4);
    assertThat(r.getResponses(2).getResponseRange().getHeader().getRevision()).isEqualTo(4);
    assertThat(r.getResponses(3).getResponseRange().getCount()).isEqualTo(1);
    assertThat(r.getResponses(4).getResponseDeleteRange().getDeleted()).isEqualTo(1);
    assertThat(r.getResponses(5).getResponseRange().getCount()).isZero();
    assertThat(r.getHeader().getRevision()).isEqualTo(4);
  }

  @Test
  void readOnlyTxn_takesNoRevision_headerIsCurrent() {
    put(store, "a", "1");
    TxnResponse r = txn(store, TxnRequest.newBuilder().addSuccess(opRange(rangeReq("a", ""))).build());
    assertThat(r.getSucceeded()).isTrue();
    assertThat(r.getHeader().getRevision()).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(2);
    TxnResponse empty = txn(store, TxnRequest.getDefaultInstance());
    assertThat(empty.getSucceeded()).isTrue();
    assertThat(empty.getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void nestedTxn_runsItsChosenBranch_inTheSameRevision() {
    put(store, "a", "1");
    TxnResponse r = txn(store, TxnRequest.newBuilder()
        .addSuccess(opPut("b", "1"))
        .addSuccess(opTxn(TxnRequest.newBuilder()
            .addCompare(cmp("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(1))
            .addSuccess(opPut("c", "then"))
            .addFailure(opPut("c", "else"))))
        .build());
    assertThat(r.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
    assertThat(get(store, "c").getValue()).isEqualTo(bs("then"));
    assertThat(get(store, "c").getModRevision()).isEqualTo(3);
    assertThat(get(store, "b").getModRevision()).isEqualTo(3);
    assertThat(store.revision()).isEqualTo(3);
  }

  @Test
  void rangeInsideTxn_atFutureOrCompactedRevision_fails() {
    put(store, "a", "1");
    put(store, "a", "2");
    assertKind(() -> txn(store, TxnRequest.newBuilder().addSuccess(opRange(rangeReq("a", "").setRevision(4)))
        .addSuccess(opPut("b", "1")).build()), StoreException.Kind.FUTURE_REV);
    store.compact(3);
    assertKind(() -> txn(store, TxnRequest.newBuilder().addSuccess(opRange(rangeReq("a", "").setRevision(2)))
        .addSuccess(opPut("b", "1")).build()), StoreException.Kind.COMPACTED);
    assertThat(store.revision()).isEqualTo(3);
    TxnResponse ok = txn(store, TxnRequest.newBuilder().addSuccess(opRange(rangeReq("a", "").setRevision(3))).build());
    assertThat(ok.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bs("2"));
  }

  @Test
  void tooManyOps_inCompareSuccessOrFailure_fails() {
    TxnRequest.Builder ops = TxnRequest.newBuilder();
    TxnRequest.Builder cmps = TxnRequest.newBuilder();
    for (int i = 0; i <= Requests.MAX_OPS; i++) {
      ops.addSuccess(opPut("k" + i, "v"));
      cmps.addCompare(cmp("k" + i, CompareTarget.VERSION, CompareResult.EQUAL));
    }
    assertKind(() -> TxnApplier.checkShape(ops.build(), Requests.MAX_OPS), StoreException.Kind.TOO_MANY_OPS);
    assertKind(() -> TxnApplier.checkShape(cmps.build(), Requests.MAX_OPS), StoreException.Kind.TOO_MANY_OPS);
    TxnRequest.Builder failure = TxnRequest.newBuilder().addAllFailure(ops.getSuccessList());
    assertKind(() -> TxnApplier.checkShape(failure.build(), Requests.MAX_OPS), StoreException.Kind.TOO_MANY_OPS);
    ops.removeSuccess(0);
    TxnApplier.checkShape(ops.build(), Requests.MAX_OPS); // exactly 128 is fine
  }

  @Test
  void duplicateKeys_inOneBranch_fail_acrossBranchesAreFine() {
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addSuccess(opPut("a", "1")).addSuccess(opPut("a", "2")).build(), Requests.MAX_OPS),
        StoreException.Kind.DUPLICATE_KEY);
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addSuccess(opPut("k/a", "1")).addSuccess(opDelete("k/", "k0")).build(), Requests.MAX_OPS),
        StoreException.Kind.DUPLICATE_KEY);
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addFailure(opDelete("a", "")).addFailure(opPut("a", "1")).build(), Requests.MAX_OPS),
        StoreException.Kind.DUPLICATE_KEY);
    TxnApplier.checkShape(TxnRequest.newBuilder()
        .addSuccess(opPut("a", "1")).addFailure(opPut("a", "2"))
        .addSuccess(opDelete("b", "")).addSuccess(opDelete("b", "c")).build(), Requests.MAX_OPS);
  }

  @Test
  void emptyKeys_inComparesOrOps_fail() {
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addCompare(cmp("", CompareTarget.VERSION, CompareResult.EQUAL)).build(), Requests.MAX_OPS),
        StoreException.Kind.EMPTY_KEY);
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addSuccess(opPut("", "1")).build(), Requests.MAX_OPS), StoreException.Kind.EMPTY_KEY);
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addFailure(opDelete("", "")).build(), Requests.MAX_OPS), StoreException.Kind.EMPTY_KEY);
    assertKind(() -> TxnApplier.checkShape(TxnRequest.newBuilder()
        .addSuccess(opRange(rangeReq("", ""))).build(), Requests.MAX_OPS), StoreException.Kind.EMPTY_KEY);
  }

  @Test
  void invalidChosenBranch_failsBeforeAnythingChanges() {
    put(store, "a", "1");
    assertKind(() -> txn(store, TxnRequest.newBuilder()
        .addSuccess(opPut("b", "1"))
        .addSuccess(opPut(putReq("c", "1").setLease(42)))
        .build()), StoreException.Kind.LEASE_NOT_FOUND);
    assertKind(() -> txn(store, TxnRequest.newBuilder()
        .addSuccess(opPut("b", "1"))
        .addSuccess(opPut(putReq("missing", "").setIgnoreValue(true)))
        .build()), StoreException.Kind.KEY_NOT_FOUND);
    put(store, "z", "1");
    assertThat(get(store, "b")).isNull();
    assertThat(store.revision()).isEqualTo(3);
    // the branch not taken is not checked against state
    TxnResponse r = txn(store, TxnRequest.newBuilder()
        .addSuccess(opPut("b", "1"))
        .addFailure(opPut(putReq("c", "1").setLease(42)))
        .build());
    assertThat(r.getSucceeded()).isTrue();
  }
}

package io.trireme.store.mvcc;

import static io.trireme.store.mvcc.Requests.bs;
import static io.trireme.store.mvcc.Requests.delete;
import static io.trireme.store.mvcc.Requests.get;
import static io.trireme.store.mvcc.Requests.put;
import static io.trireme.store.mvcc.Requests.putReq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutResponse;
import org.junit.jupiter.api.Test;

/** Puts, deletes, revisions, versions and leases of the MVCC store (etcd's kvstore semantics). */
class MvccStoreTest {
  private final MvccStore store = new MvccStore();

  @Test
  void newStore_isAtRevisionOne_firstPutTakesRevisionTwo() {
    assertThat(store.revision()).isEqualTo(1);
    assertThat(store.compactRevision()).isZero();
    PutResponse r = put(store, "a", "1");
    assertThat(r.getHeader().getRevision()).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(2);
    KeyValue kv = get(store, "a");
    assertThat(kv.getCreateRevision()).isEqualTo(2);
    assertThat(kv.getModRevision()).isEqualTo(2);
    assertThat(kv.getVersion()).isEqualTo(1);
    assertThat(kv.getValue()).isEqualTo(bs("1"));
  }

  @Test
  void put_sameKeyAgain_advancesVersionAndModRevision_keepsCreateRevision() {
    put(store, "a", "1");
    put(store, "b", "x");
    put(store, "a", "2");
    KeyValue kv = get(store, "a");
    assertThat(kv.getCreateRevision()).isEqualTo(2);
    assertThat(kv.getModRevision()).isEqualTo(4);
    assertThat(kv.getVersion()).isEqualTo(2);
    assertThat(kv.getValue()).isEqualTo(bs("2"));
  }

  @Test
  void delete_thenPut_startsNewGenerationWithVersionOne() {
    put(store, "a", "1");
    put(store, "a", "2");
    DeleteRangeResponse d = delete(store, "a", "", false);
    assertThat(d.getDeleted()).isEqualTo(1);
    assertThat(d.getHeader().getRevision()).isEqualTo(4);
    assertThat(get(store, "a")).isNull();
    put(store, "a", "3");
    KeyValue kv = get(store, "a");
    assertThat(kv.getVersion()).isEqualTo(1);
    assertThat(kv.getCreateRevision()).isEqualTo(5);
    assertThat(kv.getModRevision()).isEqualTo(5);
  }

  @Test
  void deleteRange_nothingMatches_takesNoRevision() {
    put(store, "a", "1");
    DeleteRangeResponse d = delete(store, "b", "c", true);
    assertThat(d.getDeleted()).isZero();
    assertThat(d.getPrevKvsList()).isEmpty();
    assertThat(d.getHeader().getRevision()).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void deleteRange_prevKv_returnsDeletedPairsInKeyOrder_oneRevisionForAll() {
    put(store, "k/b", "2");
    put(store, "k/a", "1");
    put(store, "l", "3");
    DeleteRangeResponse d = delete(store, "k/", "k0", true);
    assertThat(d.getDeleted()).isEqualTo(2);
    assertThat(d.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("k/a", "k/b");
    assertThat(d.getPrevKvs(0).getValue()).isEqualTo(bs("1"));
    assertThat(d.getPrevKvs(0).getModRevision()).isEqualTo(3);
    assertThat(d.getHeader().getRevision()).isEqualTo(5);
    assertThat(store.revision()).isEqualTo(5);
    assertThat(get(store, "l")).isNotNull();
  }

  @Test
  void deleteRange_withoutPrevKv_returnsOnlyTheCount() {
    put(store, "a", "1");
    DeleteRangeResponse d = delete(store, "a", "", false);
    assertThat(d.getDeleted()).isEqualTo(1);
    assertThat(d.getPrevKvsList()).isEmpty();
  }

  @Test
  void deleteRange_fromKeyToEnd_withRangeEndZeroByte() {
    put(store, "a", "1");
    put(store, "b", "2");
    put(store, "c", "3");
    DeleteRangeResponse d = delete(store, "b", "\0", false);
    assertThat(d.getDeleted()).isEqualTo(2);
    assertThat(store.keyCount()).isEqualTo(3); // tombstones are retained until compaction
    assertThat(get(store, "a")).isNotNull();
  }

  @Test
  void put_prevKv_returnsPreviousPair_onlyWhenThereIsOne() {
    PutResponse first = put(store, putReq("a", "1").setPrevKv(true).build());
    assertThat(first.hasPrevKv()).isFalse();
    PutResponse second = put(store, putReq("a", "2").setPrevKv(true).build());
    assertThat(second.getPrevKv().getValue()).isEqualTo(bs("1"));
    assertThat(second.getPrevKv().getModRevision()).isEqualTo(2);
    PutResponse without = put(store, putReq("a", "3").build());
    assertThat(without.hasPrevKv()).isFalse();
    delete(store, "a", "", false);
    PutResponse afterDelete = put(store, putReq("a", "4").setPrevKv(true).build());
    assertThat(afterDelete.hasPrevKv()).isFalse();
  }

  @Test
  void put_ignoreValue_keepsTheValue_andBumpsTheVersion() {
    put(store, "a", "1");
    put(store, putReq("a", "").setIgnoreValue(true).build());
    KeyValue kv = get(store, "a");
    assertThat(kv.getValue()).isEqualTo(bs("1"));
    assertThat(kv.getVersion()).isEqualTo(2);
    assertThat(kv.getModRevision()).isEqualTo(3);
  }

  @Test
  void put_ignoreValue_onMissingKey_failsKeyNotFound_andChangesNothing() {
    assertThatThrownBy(() -> put(store, putReq("a", "").setIgnoreValue(true).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.KEY_NOT_FOUND));
    put(store, "a", "1");
    delete(store, "a", "", false);
    assertThatThrownBy(() -> put(store, putReq("a", "").setIgnoreValue(true).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.KEY_NOT_FOUND));
    assertThat(store.revision()).isEqualTo(3);
  }

  @Test
  void put_ignoreValueWithAValue_failsValueProvided() {
    put(store, "a", "1");
    assertThatThrownBy(() -> put(store, putReq("a", "2").setIgnoreValue(true).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.VALUE_PROVIDED));
  }

  @Test
  void put_ignoreLease_keepsTheLease_leaseWithIgnoreLeaseFailsLeaseProvided() {
    store.grantLease(7, 60);
    put(store, putReq("a", "1").setLease(7).build());
    put(store, putReq("a", "2").setIgnoreLease(true).build());
    KeyValue kv = get(store, "a");
    assertThat(kv.getLease()).isEqualTo(7);
    assertThat(kv.getValue()).isEqualTo(bs("2"));
    assertThat(store.leases().get(7).keys()).containsExactly(bs("a"));
    assertThatThrownBy(() -> put(store, putReq("a", "3").setIgnoreLease(true).setLease(7).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LEASE_PROVIDED));
    assertThatThrownBy(() -> put(store, putReq("b", "3").setIgnoreLease(true).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.KEY_NOT_FOUND));
  }

  @Test
  void put_unknownLease_failsLeaseNotFound_andTakesNoRevision() {
    assertThatThrownBy(() -> put(store, putReq("a", "1").setLease(99).build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LEASE_NOT_FOUND));
    assertThat(store.revision()).isEqualTo(1);
    assertThat(get(store, "a")).isNull();
  }

  @Test
  void put_emptyKey_failsEmptyKey() {
    assertThatThrownBy(() -> put(store, putReq("", "1").build()))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.EMPTY_KEY));
  }

  @Test
  void lease_putWithout_detaches_revokeDeletesAttachedKeysInOneRevision() {
    store.grantLease(5, 10);
    put(store, putReq("b", "1").setLease(5).build());
    put(store, putReq("a", "1").setLease(5).build());
    put(store, putReq("c", "1").setLease(5).build());
    put(store, putReq("c", "2").build()); // detached
    assertThat(store.leases().get(5).keys()).containsExactly(bs("a"), bs("b"));
    WriteTxn w = store.beginWrite();
    store.revokeLease(w, 5);
    var events = store.commit(w);
    assertThat(store.revision()).isEqualTo(6);
    assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("a", "b");
    assertThat(get(store, "a")).isNull();
    assertThat(get(store, "b")).isNull();
    assertThat(get(store, "c").getValue()).isEqualTo(bs("2"));
    assertThat(store.leases().exists(5)).isFalse();
  }

  @Test
  void lease_revokeWithoutKeys_takesNoRevision_revokeUnknownFails() {
    store.grantLease(5, 10);
    WriteTxn w = store.beginWrite();
    store.revokeLease(w, 5);
    assertThat(store.commit(w)).isEmpty();
    assertThat(store.revision()).isEqualTo(1);
    assertThatThrownBy(() -> store.revokeLease(store.beginWrite(), 5))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LEASE_NOT_FOUND));
  }

  @Test
  void lease_grantTwice_failsLeaseExists_tooLargeTtlFails() {
    store.grantLease(5, 10);
    assertThatThrownBy(() -> store.grantLease(5, 10))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LEASE_EXISTS));
    assertThatThrownBy(() -> store.grantLease(6, LeaseTable.MAX_TTL_SECONDS + 1))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LEASE_TTL_TOO_LARGE));
  }

  @Test
  void lease_deletedKey_isDetached() {
    store.grantLease(5, 10);
    put(store, putReq("a", "1").setLease(5).build());
    delete(store, "a", "", false);
    assertThat(store.leases().get(5).keys()).isEmpty();
  }

  @Test
  void writeTxn_readRevision_isTheOldRevisionUntilSomethingChanges() {
    put(store, "a", "1");
    WriteTxn w = store.beginWrite();
    assertThat(w.readRevision()).isEqualTo(2);
    w.put(putReq("b", "1").build());
    assertThat(w.readRevision()).isEqualTo(3);
    w.put(putReq("c", "1").build());
    assertThat(w.readRevision()).isEqualTo(3);
    var events = store.commit(w);
    assertThat(events).hasSize(2);
    assertThat(get(store, "c").getModRevision()).isEqualTo(3);
  }
}

package io.trireme.store.mvcc;

import static io.trireme.store.mvcc.Requests.bs;
import static io.trireme.store.mvcc.Requests.delete;
import static io.trireme.store.mvcc.Requests.keys;
import static io.trireme.store.mvcc.Requests.opDelete;
import static io.trireme.store.mvcc.Requests.opPut;
import static io.trireme.store.mvcc.Requests.put;
import static io.trireme.store.mvcc.Requests.range;
import static io.trireme.store.mvcc.Requests.rangeReq;
import static io.trireme.store.mvcc.Requests.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.TxnRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compaction (what stays readable, what is dropped, its errors) and the event history watches read. */
class CompactionTest {
  private final MvccStore store = new MvccStore();

  private static void assertKind(Runnable r, StoreException.Kind kind) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  /** 2 put a=1, 3 put b=1, 4 put a=2, 5 delete b, 6 put c=1, 7 put a=3. */
  private void history() {
    put(store, "a", "1");
    put(store, "b", "1");
    put(store, "a", "2");
    delete(store, "b", "", false);
    put(store, "c", "1");
    put(store, "a", "3");
  }

  private List<String> snapshotAt(long rev) {
    return range(store, rangeReq("\0", "\0").setRevision(rev)).getKvsList().stream()
        .map(kv -> kv.getKey().toStringUtf8() + "=" + kv.getValue().toStringUtf8() + "@" + kv.getVersion()
            + "/" + kv.getCreateRevision() + "/" + kv.getModRevision())
        .toList();
  }

  @Test
  void compact_readsBelowFailCompacted_atAndAfterSeeTheSameAsBefore() {
    history();
    List<List<String>> before = new ArrayList<>();
    for (long rev = 4; rev <= 7; rev++) before.add(snapshotAt(rev));
    store.compact(4);
    assertThat(store.compactRevision()).isEqualTo(4);
    for (long rev = 1; rev < 4; rev++) {
      long r = rev;
      assertKind(() -> snapshotAt(r), StoreException.Kind.COMPACTED);
    }
    List<List<String>> after = new ArrayList<>();
    for (long rev = 4; rev <= 7; rev++) after.add(snapshotAt(rev));
    assertThat(after).isEqualTo(before);
    assertThat(snapshotAt(0)).containsExactly("a=3@3/2/7", "c=1@1/6/6");
  }

  @Test
  void compact_dropsTombstonesAndSupersededVersions() {
    history();
    long bytesBefore = store.approxBytes();
    store.compact(7);
    assertThat(store.keyCount()).isEqualTo(2); // b's tombstone (rev 5) is gone
    assertThat(store.approxBytes()).isLessThan(bytesBefore);
    assertThat(snapshotAt(7)).containsExactly("a=3@3/2/7", "c=1@1/6/6");
    // versions still count from the key's creation
    put(store, "a", "4");
    assertThat(snapshotAt(0)).contains("a=4@4/2/8");
  }

  @Test
  void compact_keepsATombstoneWrittenAtTheCompactRevision_untilALaterCompaction() {
    put(store, "a", "1"); // 2
    delete(store, "a", "", false); // 3
    store.compact(3);
    assertThat(snapshotAt(3)).isEmpty();
    put(store, "b", "1"); // 4
    store.compact(4);
    assertThat(store.keyCount()).isEqualTo(1);
    put(store, "a", "2"); // 5: new generation
    assertThat(snapshotAt(0)).containsExactly("a=2@1/5/5", "b=1@1/4/4");
  }

  @Test
  void compact_futureRevision_failsFutureRev_atOrBelowCompacted_failsCompacted() {
    history();
    assertKind(() -> store.compact(8), StoreException.Kind.FUTURE_REV);
    store.compact(5);
    assertKind(() -> store.compact(5), StoreException.Kind.COMPACTED);
    assertKind(() -> store.compact(3), StoreException.Kind.COMPACTED);
    store.compact(7); // the current revision itself can be compacted
    assertThat(store.compactRevision()).isEqualTo(7);
    assertKind(() -> store.compact(8), StoreException.Kind.FUTURE_REV);
  }

  @Test
  void checkRevision_isEtcdsRangeRevisionCheck() {
    history();
    store.compact(4);
    assertThat(store.checkRevision(0)).isEqualTo(7);
    assertThat(store.checkRevision(-3)).isEqualTo(7);
    assertThat(store.checkRevision(4)).isEqualTo(4);
    assertThat(store.checkRevision(7)).isEqualTo(7);
    assertKind(() -> store.checkRevision(8), StoreException.Kind.FUTURE_REV);
    assertKind(() -> store.checkRevision(3), StoreException.Kind.COMPACTED);
  }

  private List<String> eventsFrom(long from, int max) {
    List<String> out = new ArrayList<>();
    store.eventsFrom(from, max, e -> out.add(describe(e)));
    return out;
  }

  static String describe(Event e) {
    return e.getType() + " " + e.getKv().getKey().toStringUtf8() + "=" + e.getKv().getValue().toStringUtf8()
        + "@" + e.getKv().getModRevision()
        + (e.hasPrevKv() ? " prev=" + e.getPrevKv().getValue().toStringUtf8() + "@" + e.getPrevKv().getModRevision() : "");
  }

  @Test
  void eventsFrom_inRevisionOrder_andOpOrderWithinARevision_withPrevKv() {
    history();
    txn(store, TxnRequest.newBuilder().addSuccess(opPut("z", "1")).addSuccess(opDelete("a", ""))
        .addSuccess(opPut("b", "2")).build()); // 8
    assertThat(eventsFrom(1, 100)).containsExactly(
        "PUT a=1@2", "PUT b=1@3", "PUT a=2@4 prev=1@2", "DELETE b=@5 prev=1@3", "PUT c=1@6",
        "PUT a=3@7 prev=2@4", "PUT z=1@8", "DELETE a=@8 prev=3@7", "PUT b=2@8");
    assertThat(eventsFrom(6, 100)).hasSize(5);
    assertThat(eventsFrom(9, 100)).isEmpty();
  }

  @Test
  void eventsFrom_handsOverWholeRevisions_andReturnsTheNextRevision() {
    history();
    txn(store, TxnRequest.newBuilder().addSuccess(opPut("x", "1")).addSuccess(opPut("y", "1")).build()); // 8
    put(store, "w", "1"); // 9
    List<String> got = new ArrayList<>();
    long next = store.eventsFrom(7, 2, e -> got.add(describe(e)));
    assertThat(got).containsExactly("PUT a=3@7 prev=2@4", "PUT x=1@8", "PUT y=1@8");
    assertThat(next).isEqualTo(9);
    got.clear();
    next = store.eventsFrom(next, 100, e -> got.add(describe(e)));
    assertThat(got).containsExactly("PUT w=1@9");
    assertThat(next).isEqualTo(10);
    assertThat(store.eventsFrom(10, 100, e -> got.add(describe(e)))).isEqualTo(10);
  }

  @Test
  void eventsFrom_afterCompaction_belowFails_fromTheCompactRevisionWorks() {
    history();
    store.compact(5);
    assertKind(() -> eventsFrom(4, 100), StoreException.Kind.COMPACTED);
    assertKind(() -> eventsFrom(1, 100), StoreException.Kind.COMPACTED);
    assertThat(eventsFrom(5, 100)).containsExactly("DELETE b=@5 prev=1@3", "PUT c=1@6", "PUT a=3@7 prev=2@4");
    put(store, "d", "1");
    assertThat(eventsFrom(8, 100)).containsExactly("PUT d=1@8");
  }

  @Test
  void failedWrite_takesNoRevisionAndNoEvents() {
    put(store, "a", "1");
    assertKind(() -> put(store, Requests.putReq("b", "1").setLease(3).build()), StoreException.Kind.LEASE_NOT_FOUND);
    assertThat(store.revision()).isEqualTo(2);
    assertThat(eventsFrom(3, 10)).isEmpty();
    assertThat(keys(range(store, rangeReq("\0", "\0")))).containsExactly("a");
    assertThat(range(store, rangeReq("a", "")).getKvs(0).getValue()).isEqualTo(bs("1"));
  }
}

package io.trireme.store.mvcc;

import static io.trireme.store.mvcc.Requests.delete;
import static io.trireme.store.mvcc.Requests.opDelete;
import static io.trireme.store.mvcc.Requests.opPut;
import static io.trireme.store.mvcc.Requests.put;
import static io.trireme.store.mvcc.Requests.putReq;
import static io.trireme.store.mvcc.Requests.range;
import static io.trireme.store.mvcc.Requests.rangeReq;
import static io.trireme.store.mvcc.Requests.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A snapshot read into a fresh store gives the same reads, hash, event history and leases. */
class SnapshotCodecTest {

  static byte[] write(MvccStore s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      SnapshotCodec.write(s, out);
    }
    return bytes.toByteArray();
  }

  static MvccStore read(byte[] bytes, MvccStore into) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      SnapshotCodec.read(into, in);
    }
    return into;
  }

  /** Everything observable about a store, as text, so two stores can be compared with one assertion. */
  static List<String> observe(MvccStore s) {
    List<String> out = new ArrayList<>();
    out.add("revision " + s.revision() + " compact " + s.compactRevision() + " keys " + s.keyCount()
        + " hash " + s.hash() + " hashUpTo " + s.hashUpTo(s.compactRevision() + 1));
    for (long rev = Math.max(1, s.compactRevision()); rev <= s.revision(); rev++) {
      RangeResponse r = range(s, rangeReq("\0", "\0").setRevision(rev));
      out.add(rev + ": " + r.getKvsList().stream().map(TextFormat::shortDebugString).toList());
    }
    s.eventsFrom(s.compactRevision(), Integer.MAX_VALUE, e -> out.add("event " + CompactionTest.describe(e)));
    TreeMap<Long, String> leases = new TreeMap<>();
    s.leases().all().forEach(l -> leases.put(l.id(), "ttl " + l.ttl() + " keys "
        + l.keys().stream().map(k -> k.toStringUtf8()).toList()));
    out.add("leases " + leases);
    return out;
  }

  /** Puts, overwrites, deletes, a multi-op txn, leases and a compaction whose revision created a key. */
  private static MvccStore populated() {
    MvccStore s = new MvccStore();
    s.grantLease(11, 30);
    s.grantLease(12, 60);
    s.grantLease(13, 90);
    put(s, "a", "1"); // 2
    put(s, putReq("b", "1").setLease(11).build()); // 3
    put(s, "a", "2"); // 4
    delete(s, "b", "", false); // 5
    put(s, "c", "1"); // 6
    put(s, putReq("a", "3").setLease(12).build()); // 7
    txn(s, TxnRequest.newBuilder().addSuccess(opPut("d", "1")).addSuccess(opPut("e", "1"))
        .addSuccess(opDelete("c", "")).build()); // 8
    put(s, putReq("d", "2").setLease(12).build()); // 9
    put(s, putReq("f", "\u0000\u00ff binary").setLease(13).build()); // 10
    s.compact(6);
    return s;
  }

  @Test
  void roundTrip_intoAFreshStore_isIndistinguishable() throws IOException {
    MvccStore original = populated();
    MvccStore copy = read(write(original), new MvccStore());
    assertThat(observe(copy)).containsExactlyElementsOf(observe(original));
    assertThat(copy.leases().get(12).keys()).containsExactlyElementsOf(original.leases().get(12).keys());
    assertThat(copy.approxBytes()).isEqualTo(original.approxBytes());
  }

  @Test
  void roundTrip_thenTheSameWrites_stayIndistinguishable() throws IOException {
    MvccStore original = populated();
    MvccStore copy = read(write(original), new MvccStore());
    for (MvccStore s : List.of(original, copy)) {
      put(s, "a", "4");
      WriteTxn w = s.beginWrite();
      s.revokeLease(w, 12); // deletes a and d
      s.commit(w);
      put(s, putReq("g", "1").setLease(13).build());
      s.compact(9);
      s.grantLease(14, 5);
    }
    assertThat(observe(copy)).containsExactlyElementsOf(observe(original));
    assertThat(copy.revision()).isEqualTo(13);
  }

  @Test
  void read_replacesWhateverTheStoreHeld() throws IOException {
    MvccStore original = populated();
    MvccStore busy = new MvccStore();
    busy.grantLease(99, 10);
    put(busy, "zzz", "1");
    put(busy, "zzz", "2");
    read(write(original), busy);
    assertThat(observe(busy)).containsExactlyElementsOf(observe(original));
    assertThat(busy.leases().exists(99)).isFalse();
  }

  @Test
  void emptyStore_roundTrips() throws IOException {
    MvccStore copy = read(write(new MvccStore()), new MvccStore());
    assertThat(copy.revision()).isEqualTo(1);
    assertThat(observe(copy)).isEqualTo(observe(new MvccStore()));
  }

  @Test
  void corruptOrTruncatedSnapshot_isRefused() throws IOException {
    byte[] good = write(populated());
    byte[] badMagic = good.clone();
    badMagic[0] ^= 1;
    assertThatThrownBy(() -> read(badMagic, new MvccStore())).isInstanceOf(IOException.class);
    byte[] truncated = Arrays.copyOf(good, good.length - 2);
    assertThatThrownBy(() -> read(truncated, new MvccStore())).isInstanceOf(IOException.class);
  }
}

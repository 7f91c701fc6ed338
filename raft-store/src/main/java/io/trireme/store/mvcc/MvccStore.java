package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The MVCC key space: one cluster-wide revision, every retained version of every key, and the event
 * history watches are served from. Not thread-safe: the state machine serialises writers and guards
 * readers with its lock.
 */
public final class MvccStore {
  static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

  private final TreeMap<ByteString, KeyHistory> index = new TreeMap<>(KEY_ORDER);
  /** Events by revision, for every revision >= compactRevision. */
  private final TreeMap<Long, List<Event>> events = new TreeMap<>();
  private final LeaseTable leases = new LeaseTable();
  private long revision = 1;
  private long compactRevision = 0;
  private long approxBytes = 0;

  public long revision() {
    return revision;
  }

  public long compactRevision() {
    return compactRevision;
  }

  public LeaseTable leases() {
    return leases;
  }

  public int keyCount() {
    return index.size();
  }

  /** A rough size of the retained data, reported as etcd's db size. */
  public long approxBytes() {
    return approxBytes;
  }

  public WriteTxn beginWrite() {
    return new WriteTxn(this);
  }

  /** Makes the transaction's revision current; returns its events (empty if nothing changed). */
  public List<Event> commit(WriteTxn txn) {
    if (!txn.changed()) return List.of();
    List<Event> evs = List.copyOf(txn.events());
    revision = txn.revision();
    events.put(revision, evs);
    return evs;
  }

  public void grantLease(long id, long ttl) {
    leases.grant(id, ttl);
  }

  /** Deletes every key attached to the lease (in {@code w}'s revision) and forgets the lease. */
  public void revokeLease(WriteTxn w, long id) {
    LeaseTable.Lease l = leases.get(id);
    if (l == null) throw new StoreException(StoreException.Kind.LEASE_NOT_FOUND);
    for (ByteString key : List.copyOf(l.keys())) {
      Revision r = index.get(key).latest();
      if (!r.tombstone()) w.delete(r.kv());
    }
    leases.remove(id);
  }

  KeyHistory history(ByteString key) {
    return index.get(key);
  }

  void record(ByteString key, Revision r) {
    index.computeIfAbsent(key, k -> new KeyHistory()).add(r);
    approxBytes += key.size() + r.kv().getValue().size() + 48;
  }

  /** Removes {@code r}, which must be the newest version of {@code key} (rollback of a failed request). */
  void unrecord(ByteString key, Revision r) {
    KeyHistory h = index.get(key);
    if (h == null || h.latest() != r) throw new IllegalStateException("rollback out of order for " + key);
    h.revisions().remove(h.revisions().size() - 1);
    if (h.revisions().isEmpty()) index.remove(key);
    approxBytes -= key.size() + r.kv().getValue().size() + 48;
  }

  /** Validates a read revision the way etcd does; returns the effective revision. */
  public long checkRevision(long rev) {
    if (rev <= 0) return revision;
    if (rev > revision) throw new StoreException(StoreException.Kind.FUTURE_REV);
    if (rev < compactRevision) throw new StoreException(StoreException.Kind.COMPACTED);
    return rev;
  }

  /**
   * Visits the live keys of [key, end) at {@code rev} in key order (etcd semantics: empty end = the
   * single key, end "\0" = every key >= key). Stops when {@code visitor} returns false.
   */
  void scan(ByteString key, ByteString end, long rev, java.util.function.Predicate<KeyValue> visitor) {
    if (end.isEmpty()) {
      KeyHistory h = index.get(key);
      if (h != null) {
        Revision r = h.at(rev);
        if (r != null && !r.tombstone()) visitor.test(r.kv());
      }
      return;
    }
    NavigableMap<ByteString, KeyHistory> sub = isAllFrom(end) ? index.tailMap(key, true)
        : KEY_ORDER.compare(key, end) >= 0 ? Collections.emptyNavigableMap() : index.subMap(key, true, end, false);
    for (KeyHistory h : sub.values()) {
      Revision r = h.at(rev);
      if (r != null && !r.tombstone() && !visitor.test(r.kv())) return;
    }
  }

  static boolean isAllFrom(ByteString end) {
    return end.size() == 1 && end.byteAt(0) == 0;
  }

  /** Live key-values in [key, end) at the current revision, including this transaction's writes. */
  List<KeyValue> liveKeys(ByteString key, ByteString end) {
    List<KeyValue> out = new ArrayList<>();
    scan(key, end, Long.MAX_VALUE, kv -> out.add(kv));
    return out;
  }

  /**
   * Compacts away every version not visible at or after {@code rev}.
   *
   * @throws StoreException COMPACTED if rev <= the current compact revision, FUTURE_REV if rev > revision
   */
  public void compact(long rev) {
    if (rev <= compactRevision) throw new StoreException(StoreException.Kind.COMPACTED);
    if (rev > revision) throw new StoreException(StoreException.Kind.FUTURE_REV);
    compactRevision = rev;
    var it = index.values().iterator();
    while (it.hasNext()) {
      if (it.next().compact(rev)) it.remove();
    }
    events.headMap(rev, false).clear();
    recountBytes();
  }

  private void recountBytes() {
    long bytes = 0;
    for (Map.Entry<ByteString, KeyHistory> e : index.entrySet()) {
      for (Revision r : e.getValue().revisions()) bytes += e.getKey().size() + r.kv().getValue().size() + 48;
    }
    approxBytes = bytes;
  }

  /**
   * Hands events with revision >= {@code fromRev} to {@code sink}, whole revisions at a time, until at
   * least {@code maxEvents} were handed over. Returns the next revision to read from.
   */
  public long eventsFrom(long fromRev, int maxEvents, Consumer<Event> sink) {
    if (fromRev < compactRevision) throw new StoreException(StoreException.Kind.COMPACTED);
    int n = 0;
    long next = fromRev;
    for (Map.Entry<Long, List<Event>> e : events.tailMap(fromRev, true).entrySet()) {
      if (n >= maxEvents) break;
      e.getValue().forEach(sink);
      n += e.getValue().size();
      next = e.getKey() + 1;
    }
    return next;
  }

  /** etcd's Hash: a checksum of every retained version of every key. */
  public long hash() {
    return hashUpTo(Long.MAX_VALUE);
  }

  /** etcd's HashKV: a checksum of the retained versions with revision <= rev (0 = current). */
  public long hashUpTo(long rev) {
    CRC32 crc = new CRC32();
    for (Map.Entry<ByteString, KeyHistory> e : index.entrySet()) {
      for (Revision r : e.getValue().revisions()) {
        if (r.main() > rev) break;
        crc.update(e.getKey().toByteArray());
        crc.update(r.kv().toByteArray());
        crc.update(r.tombstone() ? 1 : 0);
      }
    }
    return crc.getValue();
  }

  // ---- snapshot support (see SnapshotCodec) ----

  Map<ByteString, KeyHistory> index() {
    return index;
  }

  void restore(long revision, long compactRevision) {
    this.revision = revision;
    this.compactRevision = compactRevision;
    events.clear();
    List<Revision> recent = new ArrayList<>();
    for (KeyHistory h : index.values()) {
      Revision prev = null;
      for (Revision r : h.revisions()) {
        if (r.main() >= compactRevision) recent.add(r);
        prev = r;
      }
      Revision latest = h.latest();
      if (!latest.tombstone() && latest.kv().getLease() != 0) {
        leases.attach(latest.kv().getLease(), latest.kv().getKey());
      }
      if (prev == null) throw new StoreException(StoreException.Kind.CORRUPT, "empty key history");
    }
    recent.sort(Comparator.comparingLong(Revision::main).thenComparingInt(Revision::sub));
    for (Revision r : recent) {
      KeyHistory h = index.get(r.kv().getKey());
      Revision before = h.before(r);
      Event.Builder ev = Event.newBuilder().setKv(r.kv())
          .setType(r.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT);
      if (before != null && !before.tombstone()) ev.setPrevKv(before.kv());
      events.computeIfAbsent(r.main(), k -> new ArrayList<>()).add(ev.build());
    }
    recountBytes();
  }

  void clear() {
    index.clear();
    events.clear();
    leases.clear();
    revision = 1;
    compactRevision = 0;
    approxBytes = 0;
  }
}

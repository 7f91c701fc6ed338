package io.trireme.store.watch;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;

/** One watch: a key range, filters and the next revision it must be sent. Guarded by the hub's lock. */
public final class Watcher {
  final long id;
  final WatchSink sink;
  private final ByteString key;
  private final ByteString end;
  private final boolean prevKv;
  private final boolean noPut;
  private final boolean noDelete;
  final boolean progressNotify;
  long nextRev;
  boolean synced;
  boolean canceled;

  Watcher(long id, WatchSink sink, ByteString key, ByteString end, long nextRev, boolean prevKv,
      boolean noPut, boolean noDelete, boolean progressNotify) {
    this.id = id;
    this.sink = sink;
    this.key = key;
    this.end = end;
    this.nextRev = nextRev;
    this.prevKv = prevKv;
    this.noPut = noPut;
    this.noDelete = noDelete;
    this.progressNotify = progressNotify;
  }

  public long id() {
    return id;
  }

  /** The event as this watcher must see it, or null if it does not match. */
  Event filter(Event e) {
    if (e.getType() == Event.EventType.PUT ? noPut : noDelete) return null;
    ByteString k = e.getKv().getKey();
    if (!matches(k)) return null;
    return prevKv || !e.hasPrevKv() ? e : e.toBuilder().clearPrevKv().build();
  }

  boolean matches(ByteString k) {
    if (end.isEmpty()) return key.equals(k);
    if (ByteString.unsignedLexicographicalComparator().compare(k, key) < 0) return false;
    boolean all = end.size() == 1 && end.byteAt(0) == 0;
    return all || ByteString.unsignedLexicographicalComparator().compare(k, end) < 0;
  }
}

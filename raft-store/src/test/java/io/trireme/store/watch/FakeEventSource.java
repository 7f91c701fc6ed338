package io.trireme.store.watch;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.ResponseHeader;
import io.trireme.store.mvcc.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An in-memory event history with etcd's revision rules, committed the way the state machine does it:
 * the revision becomes visible first, then (outside the store's lock) the hub hears about it.
 */
final class FakeEventSource implements EventSource {
  private final TreeMap<Long, List<Event>> history = new TreeMap<>();
  private final List<Event> all = new ArrayList<>();
  private final Map<ByteString, KeyValue> live = new java.util.HashMap<>();
  private long revision = 1;
  private long compactRevision = 0;
  private WatchHub hub;

  void attach(WatchHub hub) {
    this.hub = hub;
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** Commits one revision: a PUT of each key in {@code puts}, a DELETE of each in {@code deletes}. */
  List<Event> commit(List<String> puts, List<String> deletes) {
    List<Event> evs = new ArrayList<>();
    long rev;
    synchronized (this) {
      rev = revision + 1;
      for (String k : puts) {
        KeyValue prev = live.get(bs(k));
        KeyValue kv = KeyValue.newBuilder().setKey(bs(k)).setValue(bs("v" + rev)).setModRevision(rev)
            .setCreateRevision(prev == null ? rev : prev.getCreateRevision())
            .setVersion(prev == null ? 1 : prev.getVersion() + 1).build();
        Event.Builder e = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (prev != null) e.setPrevKv(prev);
        evs.add(e.build());
        live.put(bs(k), kv);
      }
      for (String k : deletes) {
        KeyValue prev = live.remove(bs(k));
        if (prev == null) continue;
        evs.add(Event.newBuilder().setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(bs(k)).setModRevision(rev)).setPrevKv(prev).build());
      }
      if (evs.isEmpty()) return evs;
      revision = rev;
      history.put(rev, List.copyOf(evs));
      all.addAll(evs);
    }
    hub.onCommit(rev, evs);
    return evs;
  }

  synchronized void compact(long rev) {
    compactRevision = rev;
    history.headMap(rev, false).clear();
  }

  /** Every event ever committed, in order. */
  synchronized List<Event> allEvents() {
    return List.copyOf(all);
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized long compactRevision() {
    return compactRevision;
  }

  @Override
  public synchronized long readEvents(long from, int max, Consumer<Event> sink) {
    if (from < compactRevision) throw new StoreException(StoreException.Kind.COMPACTED);
    int n = 0;
    long next = from;
    for (Map.Entry<Long, List<Event>> e : history.tailMap(from, true).entrySet()) {
      if (n >= max) break;
      e.getValue().forEach(sink);
      n += e.getValue().size();
      next = e.getKey() + 1;
    }
    return next;
  }

  @Override
  public ResponseHeader header(long rev) {
    return ResponseHeader.newBuilder().setRevision(rev).setMemberId(7).build();
  }
}

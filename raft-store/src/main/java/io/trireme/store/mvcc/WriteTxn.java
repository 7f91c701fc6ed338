package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.ResponseHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes of one store revision. All puts and deletes of one request share the revision
 * {@code store.revision() + 1}; the revision is only taken if something changed.
 */
public final class WriteTxn {
  private final MvccStore store;
  private final long rev;
  private final List<Event> events = new ArrayList<>(1);
  /** Inverse operations, newest last, so a failed request leaves nothing behind. */
  private final List<Runnable> undo = new ArrayList<>(2);

  WriteTxn(MvccStore store) {
    this.store = store;
    this.rev = store.revision() + 1;
  }

  /** The revision a read inside this transaction sees (its own writes included). */
  public long readRevision() {
    return events.isEmpty() ? rev - 1 : rev;
  }

  boolean changed() {
    return !events.isEmpty();
  }

  List<Event> events() {
    return events;
  }

  long revision() {
    return rev;
  }

  public PutResponse put(PutRequest req) {
    checkPut(req);
    ByteString key = req.getKey();
    KeyHistory h = store.history(key);
    Revision prev = h == null ? null : h.latest();
    KeyValue prevKv = prev == null || prev.tombstone() ? null : prev.kv();
    ByteString value = req.getIgnoreValue() ? prevKv.getValue() : req.getValue();
    long lease = req.getIgnoreLease() ? prevKv.getLease() : req.getLease();
    KeyValue kv = KeyValue.newBuilder()
        .setKey(key)
        .setValue(value)
        .setCreateRevision(prevKv == null ? rev : prevKv.getCreateRevision())
        .setModRevision(rev)
        .setVersion(prevKv == null ? 1 : prevKv.getVersion() + 1)
        .setLease(lease)
        .build();
    record(key, new Revision(rev, events.size(), kv, false));
    if (prevKv != null && prevKv.getLease() != 0 && prevKv.getLease() != lease) {
      detach(prevKv.getLease(), key);
    }
    if (lease != 0) attach(lease, key);
    Event.Builder ev = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
    if (prevKv != null) ev.setPrevKv(prevKv);
    events.add(ev.build());
    PutResponse.Builder resp = PutResponse.newBuilder();
    if (req.getPrevKv() && prevKv != null) resp.setPrevKv(prevKv);
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
  }

  private void record(ByteString key, Revision r) {
    store.record(key, r);
    undo.add(() -> store.unrecord(key, r));
  }

  private void attach(long lease, ByteString key) {
    boolean added = store.leases().attach(lease, key);
    if (added) undo.add(() -> store.leases().detach(lease, key));
  }

  private void detach(long lease, ByteString key) {
    boolean removed = store.leases().detach(lease, key);
    if (removed) undo.add(() -> store.leases().attach(lease, key));
  }

  /** Undoes every change of this transaction (a request failed half-way); the revision is not taken. */
  public void rollback() {
    for (int i = undo.size() - 1; i >= 0; i--) undo.get(i).run();
    undo.clear();
    events.clear();
  }

  /** The checks etcd makes before a put changes anything. */
  void checkPut(PutRequest req) {
    if (req.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
    if (req.getIgnoreValue() && !req.getValue().isEmpty()) {
      throw new StoreException(StoreException.Kind.VALUE_PROVIDED);
    }
    if (req.getIgnoreLease() && req.getLease() != 0) {
      throw new StoreException(StoreException.Kind.LEASE_PROVIDED);
    }
    if (req.getLease() != 0 && !store.leases().exists(req.getLease())) {
      throw new StoreException(StoreException.Kind.LEASE_NOT_FOUND);
    }
    if (req.getIgnoreValue() || req.getIgnoreLease()) {
      KeyHistory h = store.history(req.getKey());
      if (h == null || h.latest().tombstone()) throw new StoreException(StoreException.Kind.KEY_NOT_FOUND);
    }
  }

  public DeleteRangeResponse deleteRange(DeleteRangeRequest req) {
    if (req.getKey().isEmpty()) throw new StoreException(StoreException.Kind.EMPTY_KEY);
    List<KeyValue> live = store.liveKeys(req.getKey(), req.getRangeEnd());
    DeleteRangeResponse.Builder resp = DeleteRangeResponse.newBuilder().setDeleted(live.size());
    for (KeyValue prev : live) {
      delete(prev);
      if (req.getPrevKv()) resp.addPrevKvs(prev);
    }
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(readRevision())).build();
  }

  void delete(KeyValue prev) {
    ByteString key = prev.getKey();
    KeyValue tomb = KeyValue.newBuilder().setKey(key).setModRevision(rev).build();
    record(key, new Revision(rev, events.size(), tomb, true));
    if (prev.getLease() != 0) detach(prev.getLease(), key);
    events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(tomb).setPrevKv(prev).build());
  }
}

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
    store.record(key, new Revision(rev, events.size(), kv, false));
    if (prevKv != null && prevKv.getLease() != 0 && prevKv.getLease() != lease) {
      store.leases().detach(prevKv.getLease(), key);
    }
    if (lease != 0) store.leases().attach(lease, key);
    Event.Builder ev = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
    if (prevKv != null) ev.setPrevKv(prevKv);
    events.add(ev.build());
    PutResponse.Builder resp = PutResponse.newBuilder();
    if (req.getPrevKv() && prevKv != null) resp.setPrevKv(prevKv);
    return resp.setHeader(ResponseHeader.newBuilder().setRevision(rev)).build();
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
    if (req.getIgnoreValue() || req.getIgnoreLease()) {
      KeyHistory h = store.history(req.getKey());
      if (h == null || h.latest().tombstone()) throw new StoreException(StoreException.Kind.KEY_NOT_FOUND);
    }
    if (req.getLease() != 0 && !store.leases().exists(req.getLease())) {
      throw new StoreException(StoreException.Kind.LEASE_NOT_FOUND);
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
    store.record(key, new Revision(rev, events.size(), tomb, true));
    if (prev.getLease() != 0) store.leases().detach(prev.getLease(), key);
    events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(tomb).setPrevKv(prev).build());
  }
}

package io.trireme.store.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A watch stream that records what it is sent; it can refuse trySend (a slow client) on demand or at random. */
final class RecordingSink implements WatchSink {
  private final List<WatchResponse> responses = new ArrayList<>();
  private final Random random;
  private final double refuseShare;
  private boolean blocked;
  private int refused;

  RecordingSink() {
    this(0, 0);
  }

  /** Refuses about {@code refuseShare} of the trySend calls, decided by a seeded generator. */
  RecordingSink(long seed, double refuseShare) {
    this.random = new Random(seed);
    this.refuseShare = refuseShare;
  }

  synchronized void block(boolean b) {
    blocked = b;
  }

  @Override
  public synchronized boolean trySend(WatchResponse r) {
    if (blocked || (refuseShare > 0 && random.nextDouble() < refuseShare)) {
      refused++;
      return false;
    }
    responses.add(r);
    return true;
  }

  @Override
  public synchronized void send(WatchResponse r) {
    responses.add(r);
  }

  synchronized List<WatchResponse> responses() {
    return List.copyOf(responses);
  }

  synchronized List<Event> events() {
    List<Event> out = new ArrayList<>();
    responses.forEach(r -> out.addAll(r.getEventsList()));
    return out;
  }

  synchronized int refused() {
    return refused;
  }
}

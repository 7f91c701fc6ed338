package io.trireme.apiserver.registry.generic;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The bounded window of recent changes of one resource, in revision order: a watch from resourceVersion
 * {@code rv} can be served from memory iff every change after {@code rv} is still here, that is iff
 * {@code rv >= floor()}. Adding beyond the capacity drops the oldest change and raises the floor to its
 * revision. Not thread-safe: the watch cache guards it.
 */
final class WatchWindow {
  private final CachedEvent[] ring;
  private int start;
  private int size;
  private long floor;

  /** An empty window that knows every change after {@code floor} (the revision its state was listed at). */
  WatchWindow(int capacity, long floor) {
    if (capacity < 1) {
      throw new IllegalArgumentException("window capacity must be positive: " + capacity);
    }
    this.ring = new CachedEvent[capacity];
    this.floor = floor;
  }

  /** The oldest resourceVersion a watch can start from. */
  long floor() {
    return floor;
  }

  int size() {
    return size;
  }

  int capacity() {
    return ring.length;
  }

  /** Appends a change; revisions must not go backwards (one revision may change several keys). */
  void add(CachedEvent e) {
    long last = size > 0 ? Math.max(floor, newest().revision()) : floor;
    if (e.revision() < last) {
      throw new IllegalArgumentException("revision " + e.revision() + " is before " + last);
    }
    if (size == ring.length) {
      floor = ring[start].revision();
      ring[start] = null;
      start = (start + 1) % ring.length;
      size--;
    }
    ring[(start + size) % ring.length] = e;
    size++;
  }

  private CachedEvent newest() {
    return ring[(start + size - 1) % ring.length];
  }

  /** The revision of the newest change, if any. */
  OptionalLong newestRevision() {
    return size == 0 ? OptionalLong.empty() : OptionalLong.of(newest().revision());
  }

  /**
   * The changes after {@code rv}, oldest first, or null when some of them have already left the window
   * ({@code rv < floor()}: the watch is too old and gets 410 Gone).
   */
  List<CachedEvent> since(long rv) {
    if (rv < floor) {
      return null;
    }
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ring[(start + mid) % ring.length].revision() <= rv) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<CachedEvent> out = new ArrayList<>(size - lo);
    for (int i = lo; i < size; i++) {
      out.add(ring[(start + i) % ring.length]);
    }
    return out;
  }
}

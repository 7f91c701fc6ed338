package io.trireme.store.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The local, non-replicated half of leases: when each lease expires by this member's monotonic clock.
 * Every member tracks it (grants and keep-alives arrive through the log), but only the Raft leader acts
 * on it; a member that becomes leader first extends every lease by its full TTL (etcd's promote), so a
 * leader change never expires a lease early.
 */
public final class LeaseClock {
  private static final long NANOS = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private final Map<Long, Long> deadline = new ConcurrentHashMap<>();

  public LeaseClock(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public void renew(long id, long ttlSeconds) {
    deadline.put(id, nanoTime.getAsLong() + ttlSeconds * NANOS);
  }

  public void forget(long id) {
    deadline.remove(id);
  }

  public void clear() {
    deadline.clear();
  }

  /** The leases whose deadline has passed. */
  public List<Long> expired() {
    long now = nanoTime.getAsLong();
    List<Long> out = new ArrayList<>();
    deadline.forEach((id, d) -> {
      if (d - now <= 0) out.add(id);
    });
    return out;
  }

  /** Whole seconds left (etcd truncates), -1 if this member does not know the lease. */
  public long remainingSeconds(long id) {
    Long d = deadline.get(id);
    if (d == null) return -1;
    return Math.max(0, (d - nanoTime.getAsLong()) / NANOS);
  }
}

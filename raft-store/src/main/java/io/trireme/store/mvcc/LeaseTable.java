package io.trireme.store.mvcc;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The replicated half of leases: which leases exist, their granted TTL and the keys attached to them.
 * Deterministic (no clocks): when a lease expires is decided by the leader elsewhere and arrives here as
 * a revoke through the log.
 */
public final class LeaseTable {
  /** etcd's MaxLeaseTTL. */
  public static final long MAX_TTL_SECONDS = 9_000_000_000L;

  /** A lease: granted TTL (seconds) and attached keys, kept sorted so revocation is deterministic. */
  public record Lease(long id, long ttl, Set<ByteString> keys) {}

  private final Map<Long, Lease> leases = new HashMap<>();

  public Lease get(long id) {
    return leases.get(id);
  }

  public boolean exists(long id) {
    return leases.containsKey(id);
  }

  public Collection<Lease> all() {
    return leases.values();
  }

  Lease grant(long id, long ttl) {
    if (id <= 0) throw new StoreException(StoreException.Kind.LEASE_NOT_FOUND, "invalid lease id " + id);
    if (leases.containsKey(id)) throw new StoreException(StoreException.Kind.LEASE_EXISTS);
    if (ttl > MAX_TTL_SECONDS) throw new StoreException(StoreException.Kind.LEASE_TTL_TOO_LARGE);
    Lease lease = new Lease(id, ttl, new TreeSet<>(ByteString.unsignedLexicographicalComparator()));
    leases.put(id, lease);
    return lease;
  }

  Lease remove(long id) {
    return leases.remove(id);
  }

  boolean attach(long id, ByteString key) {
    Lease l = leases.get(id);
    return l != null && l.keys().add(key);
  }

  boolean detach(long id, ByteString key) {
    Lease l = leases.get(id);
    return l != null && l.keys().remove(key);
  }

  void clear() {
    leases.clear();
  }
}

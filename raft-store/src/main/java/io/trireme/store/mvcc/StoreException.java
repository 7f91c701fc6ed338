package io.trireme.store.mvcc;

/**
 * The one exception family of the store. Each {@link Kind} maps to exactly one etcd gRPC error at the
 * edge ({@code io.trireme.store.grpc.EtcdErrors}); nothing else crosses the API boundary.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    COMPACTED,
    FUTURE_REV,
    EMPTY_KEY,
    KEY_NOT_FOUND,
    VALUE_PROVIDED,
    LEASE_PROVIDED,
    DUPLICATE_KEY,
    TOO_MANY_OPS,
    REQUEST_TOO_LARGE,
    INVALID_SORT_OPTION,
    LEASE_NOT_FOUND,
    LEASE_EXISTS,
    LEASE_TTL_TOO_LARGE,
    NO_LEADER,
    TIMEOUT,
    STOPPED,
    CORRUPT,
    /** A write's outcome is unknown: its leader stopped answering while it was under way (etcd's "leader changed"). */
    LEADER_CHANGED
  }

  private final Kind kind;

  public StoreException(Kind kind) {
    this(kind, kind.name());
  }

  public StoreException(Kind kind, String detail) {
    super(detail, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

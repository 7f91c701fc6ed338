package io.trireme.store.raft;

/**
 * What a replicated or read-only command does; the first byte of every Ratis message. {@link #BATCH} carries
 * several write commands in one log entry ({@link Codec#batch}); each is applied as if it had its own entry.
 * {@link #READ_INDEX} is a read of nothing: a ReadIndex round that linearizable reads wait for together.
 * New values go at the end: the ordinal is in the log.
 */
public enum Op {
  PUT, DELETE_RANGE, TXN, COMPACT, LEASE_GRANT, LEASE_REVOKE, LEASE_KEEPALIVE, RANGE, READ_TXN, BATCH, READ_INDEX;

  private static final Op[] VALUES = values();

  /** Whether this op changes the store (goes through the log as a write). */
  boolean isWrite() {
    return switch (this) {
      case PUT, DELETE_RANGE, TXN, COMPACT, LEASE_GRANT, LEASE_REVOKE, LEASE_KEEPALIVE -> true;
      case RANGE, READ_TXN, BATCH, READ_INDEX -> false;
    };
  }

  static Op of(byte b) {
    int i = b & 0xff;
    if (i >= VALUES.length) throw new IllegalArgumentException("unknown store op " + i);
    return VALUES[i];
  }
}

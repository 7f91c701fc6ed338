package io.trireme.store;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.util.Optional;

/**
 * One running store member: the Ratis server, the MVCC state machine and the etcd v3 gRPC API on
 * {@link StoreConfig#selfMember()}'s client address. This is the whole public surface of the module.
 */
public interface StoreServer extends AutoCloseable {

  /** Starts the member and returns once its gRPC API listens (a leader may not be elected yet). */
  static StoreServer start(StoreConfig config) throws IOException {
    return io.trireme.store.server.RaftStoreServer.start(config);
  }

  StoreConfig config();

  /** An in-process channel to this member's etcd v3 API (no sockets); the caller closes it. */
  ManagedChannel inProcessChannel();

  /** The name of the current Raft leader as this member sees it. */
  Optional<String> leaderName();

  boolean isLeader();

  /**
   * Milliseconds since this member last heard from enough members to form a majority (itself included):
   * a leader counts follower replies, a follower its leader's RPCs; {@link Long#MAX_VALUE} when it has no leader.
   * A node uses it to decide whether it is in contact with a store quorum (the VIP health gate).
   */
  long quorumContactAgeMillis();

  /**
   * Before a graceful stop: if this member leads, it hands leadership to a caught-up follower (as etcd's leader does
   * when it stops), so the others need not wait out an election timeout. Returns whether the leadership moved.
   */
  boolean handOverLeadership(java.time.Duration timeout);

  /** The last applied store revision on this member. */
  long revision();

  /** Stops the gRPC API and the Raft server. */
  @Override
  void close();
}

package io.trireme.store.it;

import io.trireme.store.InJvmCluster;
import java.io.IOException;
import java.time.Duration;

/**
 * The clusters these tests start. Their subject is correctness, not timing, so the Raft election timeout
 * is 1-2 s (etcd's default is 1 s) instead of the appliance's 300-600 ms: on two shared cores with a
 * build running, 300-600 ms turns scheduling stalls into a leader change every few seconds.
 */
final class Timing {
  static final Duration ELECTION_MIN = Duration.ofMillis(1000);
  static final Duration ELECTION_MAX = Duration.ofMillis(2000);

  private Timing() {}

  static InJvmCluster cluster(long snapshotEvery) throws IOException {
    return new InJvmCluster(3, snapshotEvery, ELECTION_MIN, ELECTION_MAX);
  }
}

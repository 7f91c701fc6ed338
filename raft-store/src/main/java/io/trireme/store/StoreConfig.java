package io.trireme.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the store needs to run one member. Parsed once by {@code node}; the store sees only this.
 *
 * @param self               name of this member (must be one of {@code members})
 * @param dataDir            where the Raft log, snapshots and metadata live
 * @param members            the whole (static) cluster, this member included
 * @param clusterToken       distinguishes clusters; hashed into the etcd cluster_id and the Raft group id
 * @param electionTimeoutMin Raft election timeout lower bound (heartbeats are sent at half of it)
 * @param electionTimeoutMax Raft election timeout upper bound
 * @param snapshotEveryEntries take a state-machine snapshot after this many applied log entries
 * @param progressNotifyInterval how often watches created with progress_notify get an empty response
 * @param maxRequestBytes    largest accepted request (etcd: 1.5 MiB)
 * @param maxTxnOps          most operations in one txn (etcd: 128)
 */
public record StoreConfig(
    String self,
    Path dataDir,
    List<StoreMember> members,
    String clusterToken,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    long snapshotEveryEntries,
    Duration progressNotifyInterval,
    int maxRequestBytes,
    int maxTxnOps) {

  public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
  public static final int DEFAULT_MAX_TXN_OPS = 128;
  /**
   * etcd's --snapshot-count default. A snapshot copies the whole store (every retained version), so
   * taking one every 10,000 writes cost a noticeable share of the CPU under sustained load.
   */
  public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 100_000;

  public StoreConfig {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(dataDir, "dataDir");
    members = List.copyOf(members);
    Objects.requireNonNull(clusterToken, "clusterToken");
    if (members.stream().noneMatch(m -> m.name().equals(self))) {
      throw new IllegalArgumentException("member '" + self + "' is not in the member list " + members);
    }
    if (members.stream().map(StoreMember::name).distinct().count() != members.size()) {
      throw new IllegalArgumentException("duplicate member names in " + members);
    }
    if (electionTimeoutMin.isNegative() || electionTimeoutMin.isZero()
        || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      throw new IllegalArgumentException("need 0 < electionTimeoutMin < electionTimeoutMax");
    }
    if (snapshotEveryEntries < 1) throw new IllegalArgumentException("snapshotEveryEntries must be >= 1");
    if (maxRequestBytes < 1024) throw new IllegalArgumentException("maxRequestBytes too small");
    if (maxTxnOps < 1) throw new IllegalArgumentException("maxTxnOps must be >= 1");
  }

  /** The defaults used by {@code bin/trireme up}. */
  public static StoreConfig defaults(String self, Path dataDir, List<StoreMember> members) {
    return new StoreConfig(self, dataDir, members, "trireme", Duration.ofMillis(400), Duration.ofMillis(800),
        DEFAULT_SNAPSHOT_EVERY_ENTRIES, Duration.ofMinutes(10), DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_TXN_OPS);
  }

  /** etcd-style cluster id: a stable 64-bit hash of the cluster token and member names. */
  public long clusterId() {
    StringBuilder sb = new StringBuilder(clusterToken);
    members.stream().map(StoreMember::name).sorted().forEach(n -> sb.append('/').append(n));
    return StoreMember.fnv64(sb.toString());
  }

  public StoreMember selfMember() {
    return members.stream().filter(m -> m.name().equals(self)).findFirst().orElseThrow();
  }
}

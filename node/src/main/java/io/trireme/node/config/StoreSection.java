package io.trireme.node.config;

import java.time.Duration;

/**
 * The {@code store:} section. The listen addresses must equal this node's entry in {@code members} (the
 * store listens where the others reach it); every other field is optional and falls back to
 * {@link io.trireme.store.StoreConfig#defaults}.
 */
public record StoreSection(
    HostPort clientListen,
    HostPort raftListen,
    String clusterToken,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Long snapshotEveryEntries,
    Duration progressNotifyInterval,
    Integer maxRequestBytes,
    Integer maxTxnOps) {

  public StoreSection {
    if (clusterToken != null && clusterToken.isBlank()) throw new IllegalArgumentException("store.clusterToken is empty");
    if (electionTimeoutMin != null && (electionTimeoutMin.isNegative() || electionTimeoutMin.isZero())) {
      throw new IllegalArgumentException("store.electionTimeoutMin must be positive");
    }
    if (snapshotEveryEntries != null && snapshotEveryEntries < 1) {
      throw new IllegalArgumentException("store.snapshotEveryEntries must be >= 1");
    }
    if (maxTxnOps != null && maxTxnOps < 1) throw new IllegalArgumentException("store.maxTxnOps must be >= 1");
  }

  /** Only the listen addresses; everything else defaulted. */
  public static StoreSection listening(HostPort clientListen, HostPort raftListen) {
    return new StoreSection(clientListen, raftListen, null, null, null, null, null, null, null);
  }
}

package io.trireme.node.config;

import io.trireme.store.StoreConfig;
import io.trireme.store.StoreMember;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One node's {@code node.yaml}. Sections for the other modules (apiserver, lb, vip, election) go beside
 * {@code store}; each module receives only the record built from its own section.
 *
 * @param name    this node's name; also its store member name
 * @param dataDir where the node keeps its state (the store under {@code <dataDir>/store}, the pid file)
 * @param store   the store section
 * @param members every node of the cluster, this one included
 * @param apiserver the optional apiserver section (null: defaults)
 */
public record NodeConfig(String name, Path dataDir, StoreSection store, List<MemberEntry> members,
    ApiServerSection apiserver) {

  /** A node with the apiserver section defaulted. */
  public NodeConfig(String name, Path dataDir, StoreSection store, List<MemberEntry> members) {
    this(name, dataDir, store, members, null);
  }

  public NodeConfig {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("name must be a DNS label (a-z, 0-9, '-'), got '" + name + "'");
    }
    if (dataDir == null) throw new IllegalArgumentException("dataDir is required");
    if (store == null) throw new IllegalArgumentException("store section is required");
    if (members == null || members.isEmpty()) throw new IllegalArgumentException("members must list at least this node");
    members = List.copyOf(members);
    var seen = new HashSet<String>();
    for (MemberEntry m : members) {
      if (!seen.add(m.name())) throw new IllegalArgumentException("member '" + m.name() + "' is listed twice");
    }
    MemberEntry self = members.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("this node '" + name + "' is not in members"));
    if (store.clientListen() != null && !store.clientListen().equals(self.clientAddress())) {
      throw new IllegalArgumentException("store.clientListen " + store.clientListen() + " differs from members["
          + name + "].clientAddress " + self.clientAddress());
    }
    if (store.raftListen() != null && !store.raftListen().equals(self.raftAddress())) {
      throw new IllegalArgumentException("store.raftListen " + store.raftListen() + " differs from members["
          + name + "].raftAddress " + self.raftAddress());
    }
  }

  /** Where the pid of the running node is written. */
  public Path pidFile() {
    return dataDir.resolve("pid");
  }

  public MemberEntry self() {
    return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  /** Where the apiserver listens: {@code apiserver.listen}, else this node's address on port 6443. */
  public HostPort apiServerListen() {
    if (apiserver != null && apiserver.listen() != null) return apiserver.listen();
    return new HostPort(self().clientAddress().host(), ApiServerSection.DEFAULT_PORT);
  }

  /** The store's own configuration: the one place where {@code node.yaml} becomes a {@link StoreConfig}. */
  public StoreConfig storeConfig() {
    List<StoreMember> storeMembers = members.stream().map(MemberEntry::toStoreMember).toList();
    StoreConfig d = StoreConfig.defaults(name, dataDir.resolve("store"), storeMembers);
    StoreSection s = store;
    return new StoreConfig(
        d.self(),
        d.dataDir(),
        d.members(),
        Objects.requireNonNullElse(s.clusterToken(), d.clusterToken()),
        Objects.requireNonNullElse(s.electionTimeoutMin(), d.electionTimeoutMin()),
        Objects.requireNonNullElse(s.electionTimeoutMax(), d.electionTimeoutMax()),
        Objects.requireNonNullElse(s.snapshotEveryEntries(), d.snapshotEveryEntries()),
        Objects.requireNonNullElse(s.progressNotifyInterval(), d.progressNotifyInterval()),
        Objects.requireNonNullElse(s.maxRequestBytes(), d.maxRequestBytes()),
        Objects.requireNonNullElse(s.maxTxnOps(), d.maxTxnOps()));
  }
}

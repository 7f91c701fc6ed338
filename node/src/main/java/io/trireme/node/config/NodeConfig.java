package io.trireme.node.config;

import io.trireme.store.StoreConfig;
import io.trireme.store.StoreMember;
import io.trireme.vip.VipConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
 * @param lb      the optional load balancer section (null: defaults)
 * @param vip     the optional VIP section (null: no VIP on this node; {@code trireme up} always writes one)
 * @param status  the optional status endpoint section (null: defaults)
 */
public record NodeConfig(String name, Path dataDir, StoreSection store, List<MemberEntry> members,
    ApiServerSection apiserver, LbSection lb, VipSection vip, StatusSection status) {

  /** A node with the apiserver section defaulted. */
  public NodeConfig(String name, Path dataDir, StoreSection store, List<MemberEntry> members) {
    this(name, dataDir, store, members, null, null, null, null);
  }

  /** This config with another data directory. */
  public NodeConfig withDataDir(Path newDataDir) {
    return new NodeConfig(name, newDataDir, store, members, apiserver, lb, vip, status);
  }

  /** This config with a VIP section. */
  public NodeConfig withVip(VipSection newVip) {
    return new NodeConfig(name, dataDir, store, members, apiserver, lb, newVip, status);
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

  /** Where every member's apiserver listens: its host (from {@code clientAddress}) on port 6443. */
  public List<HostPort> apiServers() {
    return members.stream().map(m -> new HostPort(m.clientAddress().host(), ApiServerSection.DEFAULT_PORT)).toList();
  }

  /** The load balancer's node-local frontend: {@code lb.listen}, else this node's address on port 16443. */
  public HostPort lbListen() {
    if (lb != null && lb.listen() != null) return lb.listen();
    return new HostPort(self().clientAddress().host(), LbSection.DEFAULT_PORT);
  }

  /** Where the status endpoint listens: {@code status.listen}, else this node's address on port 2381. */
  public HostPort statusListen() {
    if (status != null && status.listen() != null) return status.listen();
    return new HostPort(self().clientAddress().host(), StatusSection.DEFAULT_PORT);
  }

  /** Where clients reach the cluster: the VIP on the load balancer's port (null without a VIP section). */
  public HostPort vipFrontend() {
    return vip == null ? null : new HostPort(vip.addressOrDefault(), lbListen().port());
  }

  /** The VIP priority of this node: {@code vip.priority}, else 250, 150, 50, ... by position in members. */
  public int vipPriority() {
    if (vip != null && vip.priority() != null) return vip.priority();
    int index = members.indexOf(self());
    int step = members.size() > 1 ? Math.max(1, 200 / (members.size() - 1)) : 0;
    return Math.max(1, 250 - index * step);
  }

  /**
   * The VIP agent's configuration (the one place where {@code vip:} becomes a {@link VipConfig}): adverts from this
   * node's address to the other members' addresses on {@code vip.port}. Null without a VIP section or with a
   * single member (nothing to elect: the lone node serves its frontend only).
   */
  public VipConfig vipConfig() {
    if (vip == null || members.size() < 2) return null;
    int port = vip.portOrDefault();
    String selfHost = self().clientAddress().host();
    VipConfig.Builder b = VipConfig.builder()
        .nodeName(name)
        .priority(vipPriority())
        .bind(new InetSocketAddress(selfHost, port))
        .peers(members.stream().filter(m -> !m.name().equals(name))
            .map(m -> new InetSocketAddress(m.clientAddress().host(), port)).toList())
        .authKey(vip.authKey())
        .mode(vip.ipMode() ? VipConfig.Mode.IP : VipConfig.Mode.LOOPBACK);
    try {
      b.vip(InetAddress.getByName(vip.addressOrDefault()));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("vip.address '" + vip.address() + "' is not an IP address");
    }
    if (vip.iface() != null) b.iface(vip.iface());
    if (vip.prefixLength() != null) b.prefixLength(vip.prefixLength());
    if (vip.vrid() != null) b.vrid(vip.vrid());
    if (vip.advertInterval() != null) b.advertInterval(vip.advertInterval());
    b.preempt(vip.preempt() != null && vip.preempt());
    return b.build();
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

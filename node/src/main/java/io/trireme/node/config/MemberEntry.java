package io.trireme.node.config;

import io.trireme.store.StoreMember;
import java.util.Objects;

/** One entry of {@code members:}: a node of the cluster as every node knows it. */
public record MemberEntry(String name, HostPort raftAddress, HostPort clientAddress) {
  public MemberEntry {
    Objects.requireNonNull(name, "members[].name is required");
    Objects.requireNonNull(raftAddress, "members[].raftAddress is required");
    Objects.requireNonNull(clientAddress, "members[].clientAddress is required");
  }

  StoreMember toStoreMember() {
    return new StoreMember(name, raftAddress.toSocketAddress(), clientAddress.toSocketAddress());
  }
}

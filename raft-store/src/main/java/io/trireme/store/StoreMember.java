package io.trireme.store;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One member of the store cluster as every member knows it: a stable name, the address its Raft
 * (Ratis) peer listens on, and the address its etcd v3 client API listens on.
 */
public record StoreMember(String name, InetSocketAddress raftAddress, InetSocketAddress clientAddress) {
  public StoreMember {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(raftAddress, "raftAddress");
    Objects.requireNonNull(clientAddress, "clientAddress");
    if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("member name must be a DNS label, got '" + name + "'");
    }
  }

  /** etcd-style member id: a stable 64-bit hash of the name (never 0). */
  public long id() {
    return fnv64(name);
  }

  static long fnv64(String s) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }

  public String peerUrl() {
    return "http://" + raftAddress.getHostString() + ":" + raftAddress.getPort();
  }

  public String clientUrl() {
    return "http://" + clientAddress.getHostString() + ":" + clientAddress.getPort();
  }
}

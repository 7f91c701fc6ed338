package io.trireme.node.probe;

import java.util.List;

/** One entry of the etcd {@code MemberList} answer. */
public record MemberInfo(long id, String name, List<String> peerUrls, List<String> clientUrls) {
  public MemberInfo {
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }
}

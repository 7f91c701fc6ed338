package io.trireme.node.config;

import java.nio.file.Path;

/**
 * The optional {@code apiserver:} section.
 *
 * @param listen    where the apiserver listens; default: this node's address, port 6443
 * @param tokenFile kube-apiserver {@code --token-auth-file} CSV, or null for none
 */
public record ApiServerSection(HostPort listen, Path tokenFile) {
  public static final int DEFAULT_PORT = 6443;

  /** Everything defaulted. */
  public static ApiServerSection defaults() {
    return new ApiServerSection(null, null);
  }
}

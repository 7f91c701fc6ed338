package io.trireme.apiserver;

import io.trireme.apiserver.pki.ClusterCa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The apiserver's configuration (parsed by the node).
 *
 * @param nodeName         leads log lines
 * @param bindAddress      address to listen on, e.g. {@code 127.0.0.11} or {@code 0.0.0.0}
 * @param port             HTTPS port (6443 by default; 0 picks a free one)
 * @param ca               the cluster CA: signs the serving certificate, verifies client certificates
 * @param servingNames     SANs of the serving certificate: DNS names and IP literals clients use
 * @param tokenFile        kube-apiserver {@code --token-auth-file} CSV, or null for none
 * @param maxBodyBytes     request bodies above this get 413 (Kubernetes uses 3 MiB)
 * @param storeTimeout     deadline of each store call
 * @param bookmarkInterval how often watches that allow bookmarks get one
 */
public record ApiServerConfig(String nodeName, String bindAddress, int port, ClusterCa ca,
    List<String> servingNames, Path tokenFile, int maxBodyBytes, Duration storeTimeout,
    Duration bookmarkInterval) {
  public static final int DEFAULT_PORT = 6443;
  public static final int DEFAULT_MAX_BODY = 3 * 1024 * 1024;

  public ApiServerConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(ca, "ca");
    servingNames = List.copyOf(servingNames);
    if (servingNames.isEmpty()) {
      throw new IllegalArgumentException("servingNames must name at least one SAN");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes too small: " + maxBodyBytes);
    }
    Objects.requireNonNull(storeTimeout, "storeTimeout");
    Objects.requireNonNull(bookmarkInterval, "bookmarkInterval");
    if (storeTimeout.isNegative() || storeTimeout.isZero() || bookmarkInterval.isNegative()
        || bookmarkInterval.isZero()) {
      throw new IllegalArgumentException("storeTimeout and bookmarkInterval must be positive");
    }
  }

  /** Defaults for everything but where to listen, the CA and the SANs. */
  public static ApiServerConfig of(String nodeName, String bindAddress, int port, ClusterCa ca,
      List<String> servingNames) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, null, DEFAULT_MAX_BODY,
        Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  public ApiServerConfig withTokenFile(Path file) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, file, maxBodyBytes, storeTimeout,
        bookmarkInterval);
  }

  public ApiServerConfig withBookmarkInterval(Duration interval) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, tokenFile, maxBodyBytes,
        storeTimeout, interval);
  }
}

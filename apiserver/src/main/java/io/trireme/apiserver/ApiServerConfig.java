package io.trireme.apiserver;

import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.registry.core.service.ServiceAllocation.PortRange;
import io.trireme.apiserver.registry.core.service.ServiceRange;
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
 * @param advertiseAddress the IPv4 address other apiservers and the {@code kubernetes} Endpoints know this one by
 *                         (the bind address unless that is a wildcard)
 * @param serviceRange     the ClusterIP range (kube-apiserver {@code --service-cluster-ip-range}, 10.96.0.0/12)
 * @param nodePortRange    the NodePort range ({@code --service-node-port-range}, 30000-32767)
 * @param masterLeaseTtl   TTL of this apiserver's {@code /registry/masterleases/<ip>} key (renewed every third)
 */
public record ApiServerConfig(String nodeName, String bindAddress, int port, ClusterCa ca,
    List<String> servingNames, Path tokenFile, int maxBodyBytes, Duration storeTimeout,
    Duration bookmarkInterval, String advertiseAddress, ServiceRange serviceRange, PortRange nodePortRange,
    Duration masterLeaseTtl) {
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
    Objects.requireNonNull(advertiseAddress, "advertiseAddress");
    Objects.requireNonNull(serviceRange, "serviceRange");
    Objects.requireNonNull(nodePortRange, "nodePortRange");
    Objects.requireNonNull(masterLeaseTtl, "masterLeaseTtl");
    if (masterLeaseTtl.toSeconds() < 3) {
      throw new IllegalArgumentException("masterLeaseTtl must be at least 3 s");
    }
  }

  /** Defaults for everything but where to listen, the CA and the SANs. */
  public static ApiServerConfig of(String nodeName, String bindAddress, int port, ClusterCa ca,
      List<String> servingNames) {
    String advertise = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, null, DEFAULT_MAX_BODY,
        Duration.ofSeconds(10), Duration.ofSeconds(60), advertise, ServiceRange.DEFAULT, new PortRange(30000, 32767),
        Duration.ofSeconds(15));
  }

  public ApiServerConfig withAdvertiseAddress(String address) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, tokenFile, maxBodyBytes, storeTimeout,
        bookmarkInterval, address, serviceRange, nodePortRange, masterLeaseTtl);
  }

  public ApiServerConfig withServiceRanges(ServiceRange ips, PortRange nodePorts) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, tokenFile, maxBodyBytes, storeTimeout,
        bookmarkInterval, advertiseAddress, ips, nodePorts, masterLeaseTtl);
  }

  public ApiServerConfig withMasterLeaseTtl(Duration ttl) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, tokenFile, maxBodyBytes, storeTimeout,
        bookmarkInterval, advertiseAddress, serviceRange, nodePortRange, ttl);
  }

  public ApiServerConfig withTokenFile(Path file) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, file, maxBodyBytes, storeTimeout,
        bookmarkInterval, advertiseAddress, serviceRange, nodePortRange, masterLeaseTtl);
  }

  public ApiServerConfig withBookmarkInterval(Duration interval) {
    return new ApiServerConfig(nodeName, bindAddress, port, ca, servingNames, tokenFile, maxBodyBytes,
        storeTimeout, interval, advertiseAddress, serviceRange, nodePortRange, masterLeaseTtl);
  }
}

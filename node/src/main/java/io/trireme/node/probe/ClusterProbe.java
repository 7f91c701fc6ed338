package io.trireme.node.probe;

import io.grpc.StatusRuntimeException;
import io.trireme.node.config.HostPort;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks every member, in parallel, for its status (and optionally its health) through the etcd v3 API.
 * Keeps one connection per member for repeated probes; close it when done.
 */
public final class ClusterProbe implements AutoCloseable {
  private final List<Target> targets;
  private final Map<HostPort, EtcdEndpoint> endpoints = new LinkedHashMap<>();
  private final ExecutorService pool;
  private final Duration timeout;

  public ClusterProbe(List<Target> targets, Duration timeout) {
    if (targets.isEmpty()) throw new IllegalArgumentException("nothing to probe");
    this.targets = List.copyOf(targets);
    this.timeout = timeout;
    for (Target t : targets) endpoints.computeIfAbsent(t.clientAddress(), EtcdEndpoint::new);
    this.pool = Executors.newFixedThreadPool(Math.min(targets.size(), 8), r -> {
      Thread t = new Thread(r, "probe");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Targets for a set of endpoints whose members are not known: asks each endpoint in turn for the member
   * list and probes the members it names; falls back to the endpoints themselves when none answers.
   */
  public static List<Target> discover(List<HostPort> endpoints, Duration timeout) {
    for (HostPort hp : endpoints) {
      try (EtcdEndpoint e = new EtcdEndpoint(hp)) {
        List<Target> found = new ArrayList<>();
        for (MemberInfo m : e.memberList(timeout)) {
          if (m.clientUrls().isEmpty()) continue;
          URI u = URI.create(m.clientUrls().get(0));
          found.add(new Target(m.name().isEmpty() ? "?" : m.name(), m.id(), new HostPort(u.getHost(), u.getPort())));
        }
        if (!found.isEmpty()) return found;
      } catch (StatusRuntimeException | IllegalArgumentException e) {
        // try the next endpoint
      }
    }
    return endpoints.stream().map(hp -> new Target("?", 0, hp)).toList();
  }

  /** Probes all members at once; with {@code checkHealth} also does the health read on each reachable one. */
  public ClusterStatus probe(boolean checkHealth) {
    List<CompletableFuture<MemberReport>> futures = targets.stream()
        .map(t -> CompletableFuture.supplyAsync(() -> probeOne(t, checkHealth), pool)).toList();
    return new ClusterStatus(futures.stream().map(CompletableFuture::join).toList());
  }

  private MemberReport probeOne(Target t, boolean checkHealth) {
    EtcdEndpoint e = endpoints.get(t.clientAddress());
    MemberStatus status;
    try {
      status = e.status(timeout);
    } catch (StatusRuntimeException ex) {
      return new MemberReport(t, null, EtcdEndpoint.describe(ex), null);
    }
    String unhealthy = checkHealth ? e.unhealthyReason(timeout) : null;
    return new MemberReport(t, status, null, unhealthy);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    endpoints.values().forEach(EtcdEndpoint::close);
  }
}

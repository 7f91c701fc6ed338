package io.trireme.apiserver.storage;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The health of every store member, as kube-apiserver's componentstatuses report etcd: the member list comes
 * through the store channel; each member is then asked directly (its client URL, plaintext gRPC) for its
 * Maintenance status and a linearizable read, so a member that is down or cut off from the quorum shows as
 * unhealthy.
 */
public final class StoreHealth implements AutoCloseable {
  /** One member's verdict. */
  public record MemberHealth(String name, String url, boolean healthy, String message, String error) {}

  private final ClusterGrpc.ClusterFutureStub cluster;
  private final long timeoutMillis;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public StoreHealth(Channel store, long timeoutMillis) {
    this.cluster = ClusterGrpc.newFutureStub(store);
    this.timeoutMillis = timeoutMillis;
  }

  /** Every member, in member-list order. */
  public CompletableFuture<List<MemberHealth>> members() {
    return EtcdKv.future(cluster.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .memberList(MemberListRequest.getDefaultInstance())).thenCompose(r -> {
          List<CompletableFuture<MemberHealth>> all = new ArrayList<>();
          for (Member m : r.getMembersList()) {
            all.add(check(m));
          }
          return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
              .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
        });
  }

  private CompletableFuture<MemberHealth> check(Member m) {
    String name = m.getName().isEmpty() ? Long.toUnsignedString(m.getID(), 16) : m.getName();
    if (m.getClientURLsCount() == 0) {
      return CompletableFuture.completedFuture(new MemberHealth(name, "", false, "",
          "the member has no client URL (not started yet)"));
    }
    String url = m.getClientURLs(0);
    URI uri = URI.create(url);
    if (!"http".equals(uri.getScheme())) {
      return CompletableFuture.completedFuture(new MemberHealth(name, url, false, "",
          "cannot check a member whose client URL is " + uri.getScheme() + " (only plaintext client URLs)"));
    }
    ManagedChannel ch = channels.computeIfAbsent(url, u -> NettyChannelBuilder.forAddress(uri.getHost(),
        uri.getPort()).usePlaintext().build());
    CompletableFuture<?> status = EtcdKv.future(MaintenanceGrpc.newFutureStub(ch)
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).status(StatusRequest.getDefaultInstance()));
    return status.thenCompose(s -> EtcdKv.future(KVGrpc.newFutureStub(ch).withDeadlineAfter(timeoutMillis,
        TimeUnit.MILLISECONDS).range(RangeRequest.newBuilder().setKey(EtcdKv.bytes("health")).build())))
        .handle((r, err) -> err == null
            ? new MemberHealth(name, url, true, "{\"health\":\"true\",\"reason\":\"\"}", "")
            : new MemberHealth(name, url, false, "", "member " + name + " (" + url + ") is unhealthy: "
                + EtcdKv.translate(unwrap(err)).getMessage()));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}

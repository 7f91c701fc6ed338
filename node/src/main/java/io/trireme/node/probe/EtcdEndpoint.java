package io.trireme.node.probe;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.trireme.node.config.HostPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC connection to one member's etcd v3 API, used for probing only. */
public final class EtcdEndpoint implements AutoCloseable {
  private static final ByteString HEALTH_KEY = ByteString.copyFrom("health", StandardCharsets.UTF_8);

  private final HostPort address;
  private final ManagedChannel channel;

  public EtcdEndpoint(HostPort address) {
    this.address = address;
    this.channel = NettyChannelBuilder.forAddress(address.host(), address.port())
        .usePlaintext()
        .build();
  }

  public HostPort address() {
    return address;
  }

  /** The gRPC channel to this member (closed with this endpoint). */
  public io.grpc.Channel channel() {
    return channel;
  }

  /** {@code Maintenance.Status}; throws {@link StatusRuntimeException} when the member does not answer in time. */
  public MemberStatus status(Duration timeout) {
    StatusResponse r = MaintenanceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .status(StatusRequest.getDefaultInstance());
    return new MemberStatus(r.getHeader().getMemberId(), r.getLeader(), r.getRaftTerm(), r.getRaftIndex(),
        r.getHeader().getRevision(), r.getDbSize(), r.getVersion(), r.getErrorsList());
  }

  /**
   * Health as {@code etcdctl endpoint health} decides it: a linearizable read of the key {@code health}
   * through this member succeeds (the key need not exist).
   *
   * @return {@code null} when healthy, otherwise why not
   */
  public String unhealthyReason(Duration timeout) {
    try {
      KVGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .range(RangeRequest.newBuilder().setKey(HEALTH_KEY).build());
      return null;
    } catch (StatusRuntimeException e) {
      return describe(e);
    }
  }

  /** {@code Cluster.MemberList} as this member reports it. */
  public List<MemberInfo> memberList(Duration timeout) {
    return ClusterGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .memberList(MemberListRequest.getDefaultInstance())
        .getMembersList().stream()
        .map(m -> new MemberInfo(m.getID(), m.getName(), m.getPeerURLsList(), m.getClientURLsList()))
        .toList();
  }

  /** A one-line description of a failed call. */
  public static String describe(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    String text = e.getStatus().getCode().toString();
    if (d != null && !d.isBlank()) {
      String first = d.lines().findFirst().orElse("");
      int sentence = first.indexOf(". ");
      text += ": " + (sentence > 0 ? first.substring(0, sentence) : first);
    }
    Throwable cause = e.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause == null || cause.getMessage() == null ? text : text + " (" + cause.getMessage() + ")";
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

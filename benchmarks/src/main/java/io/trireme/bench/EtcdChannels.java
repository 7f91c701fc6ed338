package io.trireme.bench;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel per etcd v3 endpoint. Client {@code i} of a phase talks to endpoint
 * {@code i mod size()}, so clients are spread round-robin. Callbacks run on the transport threads
 * ({@code directExecutor}): the load loops only record a number and issue the next call.
 */
public final class EtcdChannels implements AutoCloseable {
  private final List<String> endpoints;
  private final List<ManagedChannel> channels = new ArrayList<>();

  public EtcdChannels(List<String> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    for (String endpoint : endpoints) {
      channels.add(NettyChannelBuilder.forTarget(endpoint)
          .usePlaintext()
          .directExecutor()
          .maxInboundMessageSize(64 << 20)
          .build());
    }
  }

  public int size() {
    return channels.size();
  }

  public String endpoint(int index) {
    return endpoints.get(Math.floorMod(index, endpoints.size()));
  }

  public ManagedChannel channel(int index) {
    return channels.get(Math.floorMod(index, channels.size()));
  }

  public KVGrpc.KVStub kv(int index) {
    return KVGrpc.newStub(channel(index));
  }

  public KVGrpc.KVBlockingStub kvBlocking(int index) {
    return KVGrpc.newBlockingStub(channel(index));
  }

  public WatchGrpc.WatchStub watch(int index) {
    return WatchGrpc.newStub(channel(index));
  }

  public MaintenanceGrpc.MaintenanceStub maintenanceAsync(int index) {
    return MaintenanceGrpc.newStub(channel(index));
  }

  public MaintenanceGrpc.MaintenanceBlockingStub maintenance(int index) {
    return MaintenanceGrpc.newBlockingStub(channel(index));
  }

  public ClusterGrpc.ClusterBlockingStub cluster(int index) {
    return ClusterGrpc.newBlockingStub(channel(index));
  }

  /** Forgets failed connections (e.g. to a killed member) so the next call reconnects at once. */
  public void resetConnectBackoff() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
  }

  @Override
  public void close() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

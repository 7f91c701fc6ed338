package io.trireme.node.it;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers that put fresh keys through a set of endpoints over the etcd v3 gRPC API and record only the keys
 * whose put was acknowledged. Bounded by a key count and a duration; a failed put moves to the next endpoint.
 */
final class AckedWriter implements AutoCloseable {
  private final String prefix;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong failures = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicReference<String> lastError = new java.util.concurrent.atomic.AtomicReference<>("none");
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final int maxKeys;
  private final long deadlineNanos;

  AckedWriter(String prefix, List<String> endpoints, int threads, int maxKeys, Duration maxDuration) {
    this.prefix = prefix;
    this.maxKeys = maxKeys;
    this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
    for (String ep : endpoints) {
      int colon = ep.lastIndexOf(':');
      channels.add(NettyChannelBuilder.forAddress(ep.substring(0, colon), Integer.parseInt(ep.substring(colon + 1)))
          .usePlaintext().build());
    }
    for (int t = 0; t < threads; t++) {
      int id = t;
      this.threads.add(new Thread(() -> write(id), "writer-" + t));
    }
  }

  AckedWriter start() {
    threads.forEach(Thread::start);
    return this;
  }

  private void write(int thread) {
    int endpoint = thread % channels.size();
    long seq = 0;
    while (!stop.get() && acked.size() < maxKeys && System.nanoTime() < deadlineNanos) {
      String key = prefix + thread + "-" + (seq++);
      PutRequest put = PutRequest.newBuilder()
          .setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8))
          .setValue(ByteString.copyFrom("v-" + key, StandardCharsets.UTF_8))
          .build();
      try {
        KVGrpc.newBlockingStub(channels.get(endpoint)).withDeadlineAfter(3, TimeUnit.SECONDS).put(put);
        acked.add(key);
      } catch (StatusRuntimeException e) {
        failures.incrementAndGet();
        lastError.set(key + " via " + endpoint + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
        endpoint = (endpoint + 1) % channels.size();
      }
    }
  }

  int ackedCount() {
    return acked.size();
  }

  long failures() {
    return failures.get();
  }

  /** For failure messages: how far the writers got and the last error they saw. */
  String progress() {
    return acked.size() + " acknowledged, " + failures.get() + " failed, last error: " + lastError.get();
  }

  /** Stops the writers and returns the acknowledged keys. */
  Set<String> stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) t.join(Duration.ofSeconds(30).toMillis());
    return Set.copyOf(acked);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    for (ManagedChannel c : channels) {
      c.shutdownNow();
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

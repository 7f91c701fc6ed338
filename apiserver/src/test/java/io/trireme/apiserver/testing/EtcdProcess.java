package io.trireme.apiserver.testing;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** A real etcd (Debian's 3.4 binary) on 127.0.0.1 with free ports and a temporary data directory. */
public final class EtcdProcess implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final ManagedChannel channel;
  private final int clientPort;

  public EtcdProcess() throws IOException {
    dir = Files.createTempDirectory("trireme-etcd");
    clientPort = freePort();
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of("etcd", "--name", "test", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "test=" + peer, "--log-level", "warn"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
    Awaitility.await("etcd on port " + clientPort).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("etcd exited: " + Files.readString(dir.resolve("etcd.log")));
          }
          kv.withDeadlineAfter(2, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
              .setKey(com.google.protobuf.ByteString.copyFromUtf8("health")).build());
          return true;
        });
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public ManagedChannel channel() {
    return channel;
  }

  public String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  /** Compacts the store up to {@code revision}. */
  public void compact(long revision) {
    KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build());
  }

  /** The keys under {@code prefix}, in key order. */
  public java.util.List<String> keys(String prefix) {
    io.etcd.jetcd.api.RangeResponse r = io.etcd.jetcd.api.KVGrpc.newBlockingStub(channel).withDeadlineAfter(5,
        TimeUnit.SECONDS).range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8(prefix))
        .setRangeEnd(io.trireme.apiserver.storage.EtcdKv.prefixEnd(prefix)).setKeysOnly(true).build());
    return r.getKvsList().stream().map(k -> k.getKey().toStringUtf8()).toList();
  }

  /** The current store revision. */
  public long revision() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("x")).build())
        .getHeader().getRevision();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

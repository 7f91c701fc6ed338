package io.trireme.store.diff;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/** A real single-member etcd (the `etcd` binary on PATH) on 127.0.0.1 with free ports and a temp data dir. */
final class EtcdProcess implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final int clientPort;

  EtcdProcess() throws IOException {
    dir = Files.createTempDirectory("trireme-etcd-diff");
    clientPort = freePort();
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of("etcd",
        "--name", "diff",
        "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "diff=" + peer, "--initial-cluster-state", "new",
        "--log-level", "error", "--logger", "zap"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("etcd.log").toFile())
        .start();
    ManagedChannel probe = channel();
    try {
      Awaitility.await("etcd on port " + clientPort).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) throw new IllegalStateException("etcd exited: " + log());
            return MaintenanceGrpc.newBlockingStub(probe).withDeadlineAfter(2, TimeUnit.SECONDS)
                .status(StatusRequest.getDefaultInstance()).getLeader() != 0;
          });
    } finally {
      probe.shutdownNow();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  ManagedChannel channel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("etcd.log"));
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

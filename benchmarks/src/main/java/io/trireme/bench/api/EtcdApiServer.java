package io.trireme.bench.api;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.trireme.apiserver.ApiServer;
import io.trireme.apiserver.ApiServerConfig;
import io.trireme.apiserver.pki.CertifiedKey;
import io.trireme.apiserver.pki.ClusterCa;
import io.trireme.apiserver.pki.Pki;
import io.trireme.node.cluster.AdminKubeconfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's anchor: Trireme's apiserver alone, over a real etcd (as the tests run it), on
 * {@code <address>:6443}, with a fresh CA and {@code <dir>/admin.conf} for the client. Runs until killed; exits 1
 * with a message if the apiserver is not bootstrapped within {@link #BOOTSTRAP_DEADLINE}.
 *
 * <p>usage: {@code EtcdApiServer <address> <etcd host:port> <dir>}
 */
public final class EtcdApiServer {
  /** How long the apiserver may take to create its bootstrap namespaces and fill its watch caches. */
  static final Duration BOOTSTRAP_DEADLINE = Duration.ofSeconds(120);

  private EtcdApiServer() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: EtcdApiServer <address> <etcd host:port> <dir>");
      System.exit(2);
    }
    String address = args[0];
    Path dir = Files.createDirectories(Path.of(args[2]));
    String[] etcd = args[1].split(":");
    ManagedChannel channel = NettyChannelBuilder.forAddress(etcd[0], Integer.parseInt(etcd[1])).usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024).build();
    CertifiedKey caKey = new Pki(Clock.systemUTC()).newCa("trireme-bench-ca", Duration.ofDays(1));
    ApiServerConfig config = ApiServerConfig.of("etcd-anchor", address, ApiServerConfig.DEFAULT_PORT,
        ClusterCa.of(caKey), List.of(address, "localhost"));
    ApiServer server = new ApiServer(config, channel);
    server.start();
    long deadline = System.nanoTime() + BOOTSTRAP_DEADLINE.toNanos();
    while (!server.bootstrapped()) {
      if (System.nanoTime() - deadline > 0) {
        System.err.println("EtcdApiServer: the apiserver on " + address + " did not finish bootstrapping (bootstrap "
            + "namespaces and watch caches over etcd " + args[1] + ") within " + BOOTSTRAP_DEADLINE.toSeconds()
            + " s; is etcd up and reachable there? See this process's log for the apiserver's retries.");
        server.close();
        channel.shutdownNow();
        System.exit(1);
      }
      Thread.sleep(100);
    }
    String url = "https://" + address + ":" + ApiServerConfig.DEFAULT_PORT;
    AdminKubeconfig.issue(url, caKey).write(dir.resolve(AdminKubeconfig.FILE));
    System.out.println("apiserver over etcd " + args[1] + " ready at " + url + " (" + Instant.now() + ")");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      channel.shutdownNow();
    }));
    new CountDownLatch(1).await();
  }
}

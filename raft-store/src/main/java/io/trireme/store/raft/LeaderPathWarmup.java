package io.trireme.store.raft;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a throwaway two-member Ratis group (loopback ports of this member's Raft host, a scratch
 * directory, a state machine that only echoes) once per JVM, so the code a member runs when it is first
 * elected — leader state, log appenders, commit and reply paths, ~130 classes and their lambdas — is
 * loaded and linked before a real failover needs it. Measured on a loaded 2-core machine, a member's first
 * election in a fresh JVM spent 0.7–3.7 s constructing its leader state; when that exceeded the election
 * timeout it stepped down at once (no majority heard "since" it was built) and a second election followed.
 * The warm-up group shares nothing with the store's group; failures only cost the warm-up.
 */
final class LeaderPathWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderPathWarmup.class);
  private static final AtomicBoolean DONE = new AtomicBoolean();
  private static final int WRITES = 50;

  private LeaderPathWarmup() {}

  /** Starts the warm-up on a daemon thread unless this JVM already ran it. */
  static void startOnce(String member, String host, Path scratch, RaftProperties template) {
    if (!DONE.compareAndSet(false, true)) return;
    Thread t = new Thread(() -> run(member, host, scratch, template), member + "-leader-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void run(String member, String host, Path scratch, RaftProperties template) {
    long start = System.nanoTime();
    RaftServer a = null;
    RaftServer b = null;
    deleteTree(scratch); // left over by a crash during an earlier warm-up
    try {
      int[] ports = freePorts(host, 2);
      RaftPeer pa = RaftPeer.newBuilder().setId("warmup-a").setAddress(host + ":" + ports[0]).build();
      RaftPeer pb = RaftPeer.newBuilder().setId("warmup-b").setAddress(host + ":" + ports[1]).build();
      RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), pa, pb);
      a = server(pa, group, scratch.resolve("a"), template);
      b = server(pb, group, scratch.resolve("b"), template);
      a.start();
      b.start();
      RaftProperties clientProps = new RaftProperties();
      try (RaftClient c = RaftClient.newBuilder().setProperties(clientProps).setRaftGroup(group)
          .setClientId(ClientId.randomId())
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100,
              TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
          .build()) {
        var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (int i = 0; i < WRITES; i++) {
          pending.add(c.async().send(Message.valueOf("warm-up " + i)));
        }
        for (var f : pending) f.get(30, TimeUnit.SECONDS);
      }
      LOG.info("{}: Raft leader path warmed up in {} ms", member,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      LOG.info("{}: Raft leader path warm-up skipped: {}", member, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close(a);
      close(b);
      deleteTree(scratch);
    }
  }

  private static RaftServer server(RaftPeer peer, RaftGroup group, Path dir, RaftProperties template)
      throws IOException {
    RaftProperties p = new RaftProperties(template);
    RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
    String address = peer.getAddress();
    GrpcConfigKeys.Server.setHost(p, address.substring(0, address.lastIndexOf(':')));
    GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
    return RaftServer.newBuilder().setServerId(peer.getId()).setGroup(group).setProperties(p)
        .setStateMachine(new BaseStateMachine()).setOption(RaftStorage.StartupOption.FORMAT).build();
  }

  /**
   * {@code n} distinct free ports: all are held open until every one is chosen. Probing one at a time could hand
   * out the same port twice, and Ratis ends the whole JVM when its server cannot bind (a node container died
   * at start that way in a drill).
   */
  private static int[] freePorts(String host, int n) throws IOException {
    List<ServerSocket> held = new java.util.ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.bind(new InetSocketAddress(host, 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static void close(RaftServer s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing warm-up server", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException e) {
      LOG.debug("deleting {}: {}", dir, e.toString());
    }
  }
}

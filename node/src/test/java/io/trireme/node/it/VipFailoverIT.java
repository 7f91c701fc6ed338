package io.trireme.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.trireme.node.cluster.AdminKubeconfig;
import io.trireme.node.config.HostPort;
import io.trireme.node.probe.NodeStatusProbe;
import io.trireme.node.probe.RequestLoop;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VIP of {@code bin/trireme up --detach} under failures, seen by a client that polls {@code /readyz} through
 * the VIP every 20 ms with the admin.conf credentials: kill -9 of the VIP owner, the killed node coming back,
 * and a graceful stop (SIGTERM) of the owner. Every node's status endpoint is sampled every 50 ms throughout:
 * never two holders. Outages are printed (they are measured, not asserted against a clock; the VIP benchmark
 * gives the figures).
 */
class VipFailoverIT {
  private static final List<String> ADDRESSES = List.of("127.0.1.51", "127.0.1.52", "127.0.1.53");
  /** Generous: the VIP moves in well under a second; this only bounds a test on a badly overloaded machine. */
  private static final Duration MOVE_BUDGET = Duration.ofSeconds(60);

  private TriremeCluster cluster;
  private AdminKubeconfig.Client client;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final ConcurrentLinkedQueue<List<String>> holderSamples = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void up() throws Exception {
    assumeFalse("etcd".equals(System.getProperty("trireme.it.reference")), "trireme nodes only");
    cluster = TriremeCluster.up("vip-it", ADDRESSES);
    client = AdminKubeconfig.read(cluster.dir().resolve("admin.conf"), Duration.ofMillis(500));
    sampler.scheduleWithFixedDelay(() -> holderSamples.add(holders()), 0, 50, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void down() {
    sampler.shutdownNow();
    if (cluster != null) cluster.close();
  }

  private List<HostPort> statusEndpoints() {
    return ADDRESSES.stream().map(a -> new HostPort(a, 2381)).toList();
  }

  /** The nodes that say they hold the VIP right now. */
  private List<String> holders() {
    return NodeStatusProbe.probe(statusEndpoints(), Duration.ofMillis(500)).stream()
        .filter(a -> a.vip("holds").map(Boolean::parseBoolean).orElse(false))
        .map(a -> a.status().path("name").asText()).toList();
  }

  private String awaitHolderOtherThan(String previous) {
    return await("a VIP holder other than " + previous).atMost(MOVE_BUDGET).pollInterval(Duration.ofMillis(50))
        .until(() -> NodeStatusProbe.vipHolder(NodeStatusProbe.probe(statusEndpoints(), Duration.ofMillis(500))),
            h -> h.isPresent() && !h.get().equals(previous)).orElseThrow();
  }

  @Test
  void killOwner_thenGracefulStop_vipMovesEachTime_requestsResume_neverTwoHolders() throws Exception {
    assertThat(client.server()).isEqualTo("https://" + cluster.vip() + ":16443");
    String owner = await("a VIP holder").atMost(MOVE_BUDGET).pollInterval(Duration.ofMillis(100))
        .until(() -> NodeStatusProbe.vipHolder(NodeStatusProbe.probe(statusEndpoints(), Duration.ofMillis(500))),
            Optional::isPresent).orElseThrow();

    RequestLoop loop = new RequestLoop(client.http(), URI.create(client.server() + "/readyz"), Duration.ofMillis(20),
        Duration.ofSeconds(1), Duration.ofMinutes(5), 100_000);
    Thread loopThread = new Thread(loop, "readyz-loop");
    loopThread.start();
    try {
      await("a first answer through the VIP").atMost(MOVE_BUDGET).until(() -> loop.succeededSince(0));

      // 1. kill -9 the owner
      long killedAt = System.nanoTime();
      cluster.kill9(owner);
      String next = awaitHolderOtherThan(owner);
      long movedAt = System.nanoTime();
      await("a request through the VIP after the kill").atMost(MOVE_BUDGET).until(() -> loop.succeededSince(movedAt));
      List<RequestLoop.Outage> afterKill = loop.outagesSince(killedAt);
      System.out.printf("VipFailoverIT: kill -9 %s -> %s holds the VIP after %d ms; client outages %s%n", owner, next,
          (movedAt - killedAt) / 1_000_000, describe(afterKill));

      // 2. the killed node comes back (no preemption by default: the VIP stays where it is)
      cluster.restart(owner);
      HostPort ownerStatus = new HostPort(ADDRESSES.get(index(owner)), 2381);
      await(owner + " back and healthy").atMost(MOVE_BUDGET.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> NodeStatusProbe.probe(List.of(ownerStatus), Duration.ofMillis(500)).get(0).vipEligible());
      String current = await("one holder").atMost(MOVE_BUDGET).pollInterval(Duration.ofMillis(100))
          .until(() -> NodeStatusProbe.vipHolder(NodeStatusProbe.probe(statusEndpoints(), Duration.ofMillis(500))),
              Optional::isPresent).orElseThrow();

      // 3. graceful stop of the owner: it hands over at once with a priority-0 advert
      long stoppedAt = System.nanoTime();
      ProcessHandle p = ProcessHandle.of(cluster.pid(current)).orElseThrow();
      p.destroy(); // SIGTERM
      String heir = awaitHolderOtherThan(current);
      long handedAt = System.nanoTime();
      p.onExit().get(60, TimeUnit.SECONDS);
      await("a request through the VIP after the handover").atMost(MOVE_BUDGET)
          .until(() -> loop.succeededSince(handedAt));
      List<RequestLoop.Outage> afterStop = loop.outagesSince(stoppedAt);
      System.out.printf("VipFailoverIT: SIGTERM %s -> %s holds the VIP after %d ms; client outages %s%n", current,
          heir, (handedAt - stoppedAt) / 1_000_000, describe(afterStop));
    } finally {
      loop.stop();
      loopThread.join(10_000);
    }

    List<List<String>> twoOrMore = new ArrayList<>(holderSamples.stream().filter(h -> h.size() > 1).toList());
    assertThat(twoOrMore).as("samples with more than one VIP holder (of %d)", holderSamples.size()).isEmpty();
    assertThat(holderSamples.size()).isGreaterThan(20);
  }

  private static int index(String node) {
    return Integer.parseInt(node.substring("node".length())) - 1;
  }

  private static String describe(List<RequestLoop.Outage> outages) {
    return outages.isEmpty() ? "none" : outages.stream()
        .map(o -> o.length().toMillis() + " ms (" + o.failures() + " failed requests)").toList().toString();
  }
}

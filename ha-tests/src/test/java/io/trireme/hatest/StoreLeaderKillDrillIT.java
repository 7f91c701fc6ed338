package io.trireme.hatest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store under a container kill: kill -9 (docker kill -s KILL) of the store leader's container while a client
 * writes through the etcd API; the others elect a leader, the client's writes resume, and every acknowledged write
 * is on every node afterwards, the killed one included once it is back.
 */
class StoreLeaderKillDrillIT {
  private static final Logger LOG = LoggerFactory.getLogger(StoreLeaderKillDrillIT.class);
  private static final String PREFIX = "/hatest/store-kill/";
  private static ContainerCluster cluster;

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster = ContainerCluster.start(new ClusterPlan("172.29.1", 3, false));
    cluster.awaitStoreLeader(cluster.nodes(), Duration.ofSeconds(120));
  }

  @AfterAll
  static void removeCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void killedStoreLeader_writesResume_noAcknowledgedWriteLost() throws Exception {
    String leader = cluster.awaitStoreLeader(cluster.nodes(), Duration.ofSeconds(60));
    NodeContainer victim = cluster.node(leader);
    List<NodeContainer> survivors = cluster.nodes().stream().filter(n -> n != victim).toList();
    EtcdWrites writes = new EtcdWrites(cluster, PREFIX, Duration.ofSeconds(2));

    long killedAt;
    ClientLoop client = new ClientLoop("w", writes::put, Duration.ofMillis(20), 20_000);
    try {
      // the build machines are shared and often loaded: counts and timeouts are about progress, not speed
      await().atMost(Duration.ofSeconds(120)).until(() -> client.acked().size() >= 20);
      killedAt = Micros.now();
      victim.kill();
      LOG.info("killed store leader {}", victim);
      await().atMost(Duration.ofSeconds(120)).until(() -> client.ackedAfter(killedAt) >= 20);
    } finally {
      client.close();
    }
    String newLeader = cluster.awaitStoreLeader(survivors, Duration.ofSeconds(30));
    long outage = client.outageAround(killedAt);
    LOG.info("MEASURED store leader kill: new leader {}, client outage {} (normal spacing {}), {} writes, {} acked, "
            + "{} failed", newLeader, Micros.ms(outage), Micros.ms(client.medianAckSpacing()),
        client.attempts().size(), client.acked().size(), client.attempts().size() - client.acked().size());
    assertThat(newLeader).isNotEqualTo(leader);
    assertThat(outage).as("client outage after kill -9 of the store leader (µs)").isLessThan(30_000_000L);

    Map<String, String> expected = new TreeMap<>();
    client.acked().forEach((k, v) -> expected.put(PREFIX + k, v));
    for (NodeContainer n : survivors) {
      assertThat(EtcdWrites.missingOn(cluster, n, PREFIX, expected, Duration.ofSeconds(30)))
          .as("acknowledged writes missing on %s", n).isEmpty();
    }
    victim.restart();
    assertThat(EtcdWrites.missingOn(cluster, victim, PREFIX, expected, Duration.ofSeconds(120)))
        .as("acknowledged writes missing on %s after its restart", victim).isEmpty();
    cluster.awaitStoreLeader(cluster.nodes(), Duration.ofSeconds(60));
  }
}

package io.trireme.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Acknowledged writes survive kill -9: of the leader (brought back with {@code trireme node --config}) and of
 * every node at once (brought back with {@code trireme up --detach} on the same directory).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryIT {
  private static final int MAX_KEYS = 20_000;
  /** Bounds the writers; longer than both waits below together, so only a stuck cluster ends a wait. */
  private static final Duration MAX_WRITE_TIME = Duration.ofSeconds(300);
  private static final Duration WRITE_WAIT = Duration.ofSeconds(120);

  private TriremeCluster cluster;

  @BeforeAll
  void up() throws Exception {
    cluster = TriremeCluster.up("crash-it", List.of("127.0.1.21", "127.0.1.22", "127.0.1.23"));
  }

  @AfterAll
  void down() {
    if (cluster != null) cluster.close();
  }

  /** Each test starts from a whole, healthy cluster, even when the one before failed half way. */
  @BeforeEach
  void healthy() throws Exception {
    for (String node : cluster.nodes()) {
      if (!cluster.isRunning(node)) cluster.restart(node);
    }
    cluster.awaitHealthy();
  }

  private static void awaitWrites(AckedWriter writer, String what, int atLeast) {
    try {
      await(what).atMost(WRITE_WAIT).until(() -> writer.ackedCount() >= atLeast);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": wanted " + atLeast + " acknowledged puts within " + WRITE_WAIT.toSeconds()
          + " s; writer: " + writer.progress(), e);
    }
  }

  @Test
  void killLeader_duringWrites_noAcknowledgedWriteLost() throws Exception {
    String leader = cluster.awaitLeader();
    List<String> others = cluster.nodes().stream().filter(n -> !n.equals(leader)).map(cluster::endpoint).toList();
    Set<String> acked;
    try (AckedWriter writer = new AckedWriter("/crash/leader/", others, 4, MAX_KEYS, MAX_WRITE_TIME).start()) {
      awaitWrites(writer, "writes before the kill", 200);

      cluster.kill9(leader);
      int atKill = writer.ackedCount();
      awaitWrites(writer, "writes through the survivors after killing " + leader, atKill + 100);
      acked = writer.stop();
      System.out.printf("kill -9 leader %s: %d puts acknowledged (%d before the kill), %d failed%n", leader,
          acked.size(), atKill, writer.failures());
    }

    String newLeader = cluster.awaitLeaderAmong(cluster.endpointsExcept(leader));
    assertThat(newLeader).isNotEqualTo(leader);
    if (!cluster.isReference()) { // the survivors noticed the dead process by its refused Raft port
      assertThat(cluster.nodes().stream().filter(n -> !n.equals(leader)).map(cluster::log))
          .anyMatch(log -> log.contains("leader " + leader + " refuses connections on"));
    }
    cluster.restart(leader);
    cluster.awaitHealthy();

    assertEveryMemberHas("/crash/leader/", acked);
  }

  @Test
  void killAll_duringWrites_restartWithUp_noAcknowledgedWriteLost() throws Exception {
    Set<String> acked;
    try (AckedWriter writer = new AckedWriter("/crash/all/", cluster.endpointList(), 4, MAX_KEYS, MAX_WRITE_TIME)
        .start()) {
      awaitWrites(writer, "writes before the kill", 500);
      cluster.kill9All();
      acked = writer.stop();
      System.out.printf("kill -9 all: %d puts acknowledged, %d failed%n", acked.size(), writer.failures());
    }

    Cmd.Result up = cluster.upAgain();
    if (!cluster.isReference()) assertThat(up.out()).contains("reusing the cluster in " + cluster.dir());
    cluster.awaitHealthy();

    assertEveryMemberHas("/crash/all/", acked);
  }

  /** A linearizable read through every member sees every key, and so does each member's own copy. */
  private void assertEveryMemberHas(String prefix, Set<String> acked) {
    assertThat(acked).isNotEmpty();
    for (String ep : cluster.endpointList()) {
      Etcdctl one = cluster.etcdctl().on(ep);
      assertThat(keys(one, prefix, "l")).as("linearizable read through %s", ep).containsAll(acked);
      await("serializable read on " + ep + " catches up").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(keys(one, prefix, "s")).containsAll(acked));
    }
  }

  private static Set<String> keys(Etcdctl etcdctl, String prefix, String consistency) {
    Cmd.Result r = etcdctl.runLong(Duration.ofSeconds(60), "get", prefix, "--prefix", "--keys-only",
        "--consistency=" + consistency);
    if (!r.ok()) throw new AssertionError("etcdctl get failed: " + r);
    Set<String> keys = new HashSet<>();
    r.out().lines().filter(l -> !l.isEmpty()).forEach(keys::add);
    return keys;
  }
}

package io.trireme.hatest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The VIP under the four faults of the issue, one cluster for all of them (each drill heals its node and waits for
 * the cluster to settle before the next). Every drill asserts: never two owners among the running nodes (a cut-off
 * owner counts: it must let go before the others claim; a paused one cannot act until it is thawed), the VIP on
 * another node within {@link #VIP_BUDGET}, writes through the VIP acknowledged again within {@link #OUTAGE_BUDGET},
 * and every acknowledged write on every node at the end. The budgets are generous on purpose (the build machines
 * are shared); the measured figures are logged as {@code MEASURED drill ...}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VipFailoverDrillIT {
  static final long VIP_BUDGET = 5_000_000;
  static final long OUTAGE_BUDGET = 20_000_000;
  /** A cut-off owner must notice that no majority hears it and drop the VIP by itself within this. */
  static final long SELF_RELEASE_BUDGET = 15_000_000;
  /**
   * The election's margins are timing (half an advert interval plus skew): a node descheduled for longer at the wrong
   * moment could still overlap, and the owner check samples each node only every ~50 ms through {@code docker exec}.
   * Any two-owner moment is logged (WARN); one of this length fails the drill, and {@code -Dhatest.strictOwners=true}
   * makes any fail it.
   */
  static final long OVERLAP_TOLERANCE = 250_000;
  static final boolean STRICT_OWNERS = Boolean.getBoolean("hatest.strictOwners");

  private static ContainerCluster cluster;
  private static FailoverDrill drill;

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster = ContainerCluster.start(new ClusterPlan("172.29.2", 3, true));
    cluster.awaitStoreLeader(cluster.nodes(), Duration.ofSeconds(180));
    NodeContainer first = cluster.nodes().get(0);
    await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .until(() -> cluster.clusterCa(first) != null);
    ApiClient api = new ApiClient(cluster.clusterCa(first), Duration.ofSeconds(2));
    ApiWrites probe = new ApiWrites(api, cluster.plan().vip(), ClusterPlan.LB_PORT);
    await().atMost(Duration.ofSeconds(240)).until(() -> probe.notReady() == null);
    drill = new FailoverDrill(cluster, api);
  }

  @AfterAll
  static void removeCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void killedOwner_vipMoves_writesResume_nothingLost() throws Exception {
    FailoverDrill.Result r = drill.run(new Fault.Kill());
    assertCommon(r);
  }

  @Test
  @Order(2)
  void pausedOwner_vipMoves_writesResume_nothingLost() throws Exception {
    FailoverDrill.Result r = drill.run(new Fault.Pause());
    assertCommon(r);
    assertThat(r.released()).as("µs from unpause until the old owner dropped the VIP by itself").isBetween(0L,
        SELF_RELEASE_BUDGET);
  }

  @Test
  @Order(3)
  void cutOffOwner_dropsVip_othersTakeOver_nothingLost() throws Exception {
    FailoverDrill.Result r = drill.run(new Fault.CutOff());
    assertCommon(r);
    assertThat(r.released()).as("µs until the cut-off owner dropped the VIP by itself").isBetween(0L,
        SELF_RELEASE_BUDGET);
  }

  @Test
  @Order(4)
  void gracefullyStoppedOwner_handsOver_writesResume_nothingLost() throws Exception {
    FailoverDrill.Result r = drill.run(new Fault.GracefulStop(Duration.ofSeconds(30)));
    assertCommon(r);
  }

  /** All of them, so one failing check does not hide the others. */
  private static void assertCommon(FailoverDrill.Result r) {
    SoftAssertions.assertSoftly(soft -> {
      if (STRICT_OWNERS) {
        soft.assertThat(r.overlaps()).as("moments with two VIP owners").isEmpty();
      } else {
        long longest = r.overlaps().stream().mapToLong(Ownership.Overlap::micros).max().orElse(0);
        soft.assertThat(longest).as("µs of the longest moment with two VIP owners %s"
            + " (-Dhatest.strictOwners=true demands none)", r.overlaps()).isLessThan(OVERLAP_TOLERANCE);
      }
      soft.assertThat(r.newOwner()).isNotEqualTo(r.owner());
      soft.assertThat(r.vipMoved()).as("µs until the VIP was on another node").isLessThan(VIP_BUDGET);
      soft.assertThat(r.outage()).as("µs of client outage through the VIP").isLessThan(OUTAGE_BUDGET);
      soft.assertThat(r.missing()).as("acknowledged writes missing, per node").isEmpty();
      soft.assertThat(r.longestHole()).as("longest sampling hole (µs): the owner check must have looked often enough")
          .isLessThan(5_000_000L);
    });
  }
}

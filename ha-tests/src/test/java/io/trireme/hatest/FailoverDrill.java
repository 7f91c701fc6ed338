package io.trireme.hatest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One failover drill against a running cluster with a floating VIP: a client writes ConfigMaps through the VIP, the
 * VIP owner gets {@code fault}, the drill waits for the VIP on another node and for writes to succeed again, heals
 * the node, waits for the cluster to settle, and reports what the samplers and the client saw. The caller asserts.
 */
final class FailoverDrill {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverDrill.class);
  /** Samples further apart than this leave a hole: nothing is claimed about the time in between. */
  static final long MAX_SAMPLE_GAP_MICROS = 300_000;
  /** Waits of a drill are about progress on a shared, often loaded 2-core machine, not about speed. */
  private static final Duration PROGRESS = Duration.ofSeconds(180);

  /**
   * What one drill saw.
   *
   * @param owner        the VIP owner the fault hit
   * @param newOwner     the node that held the VIP next
   * @param vipMoved     fault → first sample with the VIP on another node (µs)
   * @param released     for a node that stayed up (pause, cut-off): heal or fault → its first sample without the VIP,
   *                     measured from the fault for a cut-off (it must give the VIP up on its own) and from the heal
   *                     for a pause (it cannot act while frozen); -1 when it does not apply
   * @param outage       the client's outage around the fault (µs)
   * @param failedWrites writes that failed from the fault until the node was healed
   * @param ackedWrites  every acknowledged write of the drill
   * @param overlaps     moments with two owners among the nodes that could be seen and reached
   * @param longestHole  the longest time any reachable node went unsampled (µs)
   * @param missing      per node, acknowledged writes it did not have at the end
   */
  record Result(String fault, String owner, String newOwner, long vipMoved, long released, long outage,
      int failedWrites, int ackedWrites, List<Ownership.Overlap> overlaps, long longestHole,
      Map<String, Map<String, String>> missing) {

    String summary() {
      return String.format("MEASURED drill %s: owner %s -> %s, VIP on the new owner after %s, %s, client outage %s, "
              + "%d writes failed, %d acknowledged (missing afterwards: %s), %d two-owner overlaps, longest sampling hole %s",
          fault, owner, newOwner, Micros.ms(vipMoved),
          released < 0 ? "-" : "old owner without the VIP after " + Micros.ms(released), Micros.ms(outage),
          failedWrites, ackedWrites, missing.isEmpty() ? "none" : missing.keySet() + " " + missing.values().stream()
              .mapToInt(Map::size).sum(), overlaps.size(), Micros.ms(longestHole));
    }
  }

  private final ContainerCluster cluster;
  private final ApiClient api;

  FailoverDrill(ContainerCluster cluster, ApiClient api) {
    this.cluster = cluster;
    this.api = api;
  }

  Result run(Fault fault) throws Exception {
    String vip = cluster.plan().vip();
    ApiWrites writes = new ApiWrites(api, vip, ClusterPlan.LB_PORT);
    List<Ownership.Excluded> excluded = new ArrayList<>();
    try (VipWatch watch = new VipWatch(vip)) {
      cluster.nodes().forEach(watch::watch);
      String owner = awaitSingleOwner(watch);
      NodeContainer victim = cluster.node(owner);
      LOG.info("drill {}: VIP owner {}", fault.name(), victim);

      long faultAt;
      long healedAt = -1;
      long vipMovedAt;
      long released = -1;
      boolean injected = false;
      ClientLoop client = new ClientLoop(fault.name(), writes::put, Duration.ofMillis(50), 100_000);
      try {
        await().atMost(PROGRESS).until(() -> client.acked().size() >= 10);
        faultAt = Micros.now();
        injected = true;
        fault.inject(victim);
        LOG.info("drill {}: fault injected into {}", fault.name(), victim);
        await().atMost(PROGRESS).until(() -> watch.firstHeldByOtherAfter(owner, faultAt).isPresent());
        vipMovedAt = watch.firstHeldByOtherAfter(owner, faultAt).getAsLong();
        await().atMost(PROGRESS).until(() -> client.ackedAfter(faultAt) >= 10);
        if (fault instanceof Fault.CutOff) {
          // cut off, the node must notice that no majority hears it and give the VIP up on its own, before the
          // others claim it: its samples count like everyone's
          await().atMost(PROGRESS).until(() -> watch.firstReleasedAfter(owner, faultAt).isPresent());
          released = watch.firstReleasedAfter(owner, faultAt).getAsLong() - faultAt;
        }
        fault.heal(victim);
        healedAt = Micros.now();
        LOG.info("drill {}: {} healed", fault.name(), victim);
        if (fault.restartsNode()) watch.watch(victim);
        if (fault instanceof Fault.Pause) {
          long unpausedAt = healedAt;
          await().atMost(PROGRESS).until(() -> watch.firstReleasedAfter(owner, unpausedAt).isPresent()
              || watch.holdersNow(MAX_SAMPLE_GAP_MICROS).equals(List.of(owner)));
          OptionalLong r = watch.firstReleasedAfter(owner, unpausedAt);
          released = r.isPresent() ? r.getAsLong() - unpausedAt : 0;
          // frozen, the owner cannot drop the address; it must drop it by itself once it runs again (the test
          // bounds how long that takes), so until then it does not count as a second owner
          excluded.add(new Ownership.Excluded(owner, faultAt, unpausedAt + released));
        }
        cluster.awaitStoreLeader(cluster.nodes(), PROGRESS);
        await().atMost(PROGRESS).until(() -> client.ackedAfter(Micros.now() - 10_000_000) >= 3);
        awaitSingleOwner(watch);
      } finally {
        client.close();
        if (injected && healedAt < 0) healQuietly(fault, victim); // leave the cluster whole for the next drill
      }
      Map<String, List<VipWatch.Sample>> samples = watch.samples();
      List<Ownership.Overlap> overlaps = Ownership.overlaps(samples, MAX_SAMPLE_GAP_MICROS, excluded);
      long hole = Ownership.longestHole(samples, List.of(new Ownership.Excluded(owner, faultAt, healedAt)));
      String newOwner = watch.holderAt(vipMovedAt);
      Map<String, Map<String, String>> missing = new TreeMap<>();
      Map<String, String> expected = new TreeMap<>();
      client.acked().forEach((k, v) -> expected.put(ApiWrites.STORE_PREFIX + k, v));
      for (NodeContainer n : cluster.nodes()) {
        Map<String, String> m = EtcdWrites.missingOn(cluster, n, ApiWrites.STORE_PREFIX + fault.name() + "-",
            expected, (value, stored) -> stored.contains("\"v\":\"" + value + "\""), PROGRESS);
        if (!m.isEmpty()) missing.put(n.name(), m);
      }
      Result result = new Result(fault.name(), owner, newOwner, vipMovedAt - faultAt, released,
          client.outageAround(faultAt), client.failuresBetween(faultAt, healedAt).size(), client.acked().size(),
          overlaps, hole, missing);
      LOG.info(result.summary());
      overlaps.forEach(o -> LOG.warn("drill {}: {}", fault.name(), o));
      return result;
    }
  }

  private static void healQuietly(Fault fault, NodeContainer node) {
    try {
      fault.heal(node);
      LOG.info("drill {}: {} healed after a failed drill", fault.name(), node);
    } catch (Exception e) {
      LOG.warn("drill {}: could not heal {}: {}", fault.name(), node, e.toString());
    }
  }

  /** Waits until exactly one node holds the VIP and has held it alone for a second; returns it. */
  private static String awaitSingleOwner(VipWatch watch) {
    AtomicReference<List<String>> last = new AtomicReference<>(List.of());
    AtomicLong since = new AtomicLong();
    await().atMost(PROGRESS).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<String> now = watch.holdersNow(MAX_SAMPLE_GAP_MICROS);
      if (now.size() != 1 || !now.equals(last.get())) {
        last.set(now);
        since.set(Micros.now());
        return false;
      }
      return Micros.now() - since.get() >= 1_000_000;
    });
    return last.get().get(0);
  }
}

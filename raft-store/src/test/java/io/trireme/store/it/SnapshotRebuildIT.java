package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.HashKVResponse;
import io.trireme.store.InJvmCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With a snapshot every 50 entries the leader purges its log, so a member that is too far behind can
 * only come back through InstallSnapshot plus the log after it: a follower that was stopped while the
 * others went on, and a follower whose data directory was wiped.
 */
class SnapshotRebuildIT {
  private static final List<Integer> ALL = List.of(0, 1, 2);

  /** How the member falls behind. */
  enum Away { STOPPED, STOPPED_PAST_PURGED_LOG, WIPED }

  @Test
  void followerStoppedWhileLeaderSnapshots_catchesUp() throws Exception {
    rebuild(Away.STOPPED);
  }

  /**
   * The leader is restarted while the follower is away, so its log segment is closed and the purge after
   * the next snapshots really drops the entries the follower lacks: only InstallSnapshot can bring it back.
   */
  @Test
  void followerBehindThePurgedLog_installsSnapshotAndCatchesUp() throws Exception {
    rebuild(Away.STOPPED_PAST_PURGED_LOG);
  }

  @Test
  void wipedFollower_rebuildsFromSnapshotAndLog() throws Exception {
    rebuild(Away.WIPED);
  }

  private static void rebuild(Away away) throws Exception {
    try (InJvmCluster cluster = Timing.cluster(50)) {
      int leader = cluster.awaitLeader();
      int behind = (leader + 1) % 3;
      StoreClient[] clients = new StoreClient[3];
      for (int i : ALL) clients[i] = new StoreClient(cluster.channel(i));
      AckedKeys keys = new AckedKeys("/snap/");
      keys.put(clients[leader], 0, 200);
      keys.put(clients[leader], 0, 30);
      keys.delete(clients[leader], 30, 45);
      cluster.awaitSameRevision(Duration.ofSeconds(45));

      int writer = leader;
      switch (away) {
        case STOPPED -> cluster.stop(behind);
        case WIPED -> cluster.wipe(behind);
        case STOPPED_PAST_PURGED_LOG -> {
          cluster.stop(behind);
          cluster.stop(leader);
          cluster.start(leader);
          writer = cluster.awaitLeader();
        }
      }
      keys.put(clients[writer], 200, 350); // 150 more entries: the leader snapshots and purges past it
      cluster.start(behind);
      long rev = cluster.awaitSameRevision(Duration.ofSeconds(45));
      String who = "m" + (behind + 1) + " (" + away + ")";
      assertThat(clients[behind].all(true).getKvsList()).as("%s: every key", who)
          .isEqualTo(clients[leader].all(true).getKvsList());
      keys.assertHeldBy(who, clients[behind]);
      HashKVResponse leaderHash = clients[leader].hashKv(rev);
      for (int i : ALL) {
        HashKVResponse h = clients[i].hashKv(rev);
        assertThat(h.getHash()).as("HashKV of m%d at %d", i + 1, rev).isEqualTo(leaderHash.getHash());
        assertThat(h.getCompactRevision()).isEqualTo(leaderHash.getCompactRevision());
      }
      System.out.printf("SNAPSHOT %s caught up to revision %d; its snapshot files: %s%n", who, rev,
          snapshotFiles(cluster, behind));
    }
  }

  private static List<String> snapshotFiles(InJvmCluster cluster, int i) throws IOException {
    Path dir = cluster.config(i).dataDir();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snapshot."))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}

package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trireme.store.InJvmCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * All members stopped and started again (the in-JVM stand-in for killing every node at once): each
 * member rebuilds from its own snapshot (taken every 50 entries) plus its log; nothing acknowledged is
 * lost, the revision and the hash are those of before, and the next write gets the next revision.
 */
class FullRestartIT {
  private static final List<Integer> ALL = List.of(0, 1, 2);

  @Test
  void restartOfAllMembers_keepsEveryAcknowledgedWrite_andTheRevision() throws Exception {
    try (InJvmCluster cluster = Timing.cluster(50)) {
      int leader = cluster.awaitLeader();
      StoreClient[] clients = new StoreClient[3];
      for (int i : ALL) clients[i] = new StoreClient(cluster.channel(i));
      AckedKeys keys = new AckedKeys("/restart/");
      keys.put(clients[leader], 0, 250);
      keys.put(clients[(leader + 1) % 3], 0, 30); // overwrites, through a follower
      keys.delete(clients[leader], 30, 45);
      long rev = cluster.awaitSameRevision(Duration.ofSeconds(45));
      int hash = clients[leader].hashKv(rev).getHash();
      for (int i : ALL) assertThat(clients[i].hashKv(rev).getHash()).as("HashKV of m%d", i + 1).isEqualTo(hash);

      for (int i : ALL) cluster.stop(i);
      for (int i : ALL) cluster.start(i);
      int newLeader = cluster.awaitLeader();
      await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
          .until(() -> ALL.stream().allMatch(i -> cluster.server(i).revision() >= rev));

      for (int i : ALL) {
        String who = "m" + (i + 1) + " after the restart";
        assertThat(cluster.server(i).revision()).as("%s: revision", who).isEqualTo(rev);
        keys.assertHeldBy(who, clients[i]);
        assertThat(clients[i].hashKv(rev).getHash()).as("%s: HashKV", who).isEqualTo(hash);
      }
      long next = clients[newLeader].createOnceRetrying("/restart/after", "x").getModRevision();
      assertThat(next).as("revision of the first write after the restart").isEqualTo(rev + 1);
    }
  }
}

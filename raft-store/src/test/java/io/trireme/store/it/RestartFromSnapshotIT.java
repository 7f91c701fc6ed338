package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.trireme.store.InJvmCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A member's disk holds a recent snapshot and only the log after it, so a restart loads the snapshot and applies a
 * short tail instead of the whole history. The entry-count trigger is set out of reach here (one million entries):
 * the snapshots below come from the log-size trigger (the log since the last snapshot outgrew it, at least 8 MB),
 * and from the snapshot Ratis takes on a clean stop.
 */
class RestartFromSnapshotIT {
  private static final List<Integer> ALL = List.of(0, 1, 2);
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");
  /** 320 values of 64 KiB: about 20 MB of log, well past the 8 MB log-size trigger. */
  private static final int BIG_KEYS = 320;
  private static final int TAIL_KEYS = 20;

  @Test
  void restartedMember_loadsItsSnapshot_andAppliesOnlyTheLogAfterIt() throws Exception {
    try (InJvmCluster cluster = Timing.cluster(1_000_000)) {
      int leader = cluster.awaitLeader();
      int away = (leader + 1) % 3;
      StoreClient[] clients = new StoreClient[3];
      for (int i : ALL) clients[i] = new StoreClient(cluster.channel(i));
      ByteString big = ByteString.copyFrom(new byte[64 * 1024]);
      for (int n = 0; n < BIG_KEYS; n++) {
        clients[leader].kv().put(PutRequest.newBuilder().setKey(StoreClient.bytes("/big/" + n)).setValue(big).build());
      }
      cluster.awaitSameRevision(Duration.ofSeconds(60));

      // each member snapshots and purges on its own apply thread, just after applying the entry that was due
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        for (int i : ALL) {
          String who = "m" + (i + 1) + " while running";
          long snapshot = latestSnapshotIndex(cluster, i).orElseThrow(() -> new AssertionError(who + ": no snapshot"));
          assertThat(firstLogIndex(cluster, i))
              .as("%s: first index in its log (purged up to its snapshot at %d)", who, snapshot)
              .isPositive().isLessThanOrEqualTo(snapshot + 1);
        }
      });

      long appliedAtStop = clients[away].maintenance().status(StatusRequest.getDefaultInstance()).getRaftAppliedIndex();
      cluster.stop(away);
      assertThat(latestSnapshotIndex(cluster, away).orElseThrow())
          .as("m%d: snapshot taken on its clean stop", away + 1).isGreaterThanOrEqualTo(appliedAtStop);

      AckedKeys tail = new AckedKeys("/tail/");
      tail.put(clients[leader], 0, TAIL_KEYS);
      cluster.start(away);
      long rev = cluster.awaitSameRevision(Duration.ofSeconds(60));

      String who = "m" + (away + 1) + " after its restart";
      tail.assertHeldBy(who, clients[away]);
      List<KeyValue> bigKeys = clients[away].prefix("/big/", true);
      assertThat(bigKeys).as("%s: the keys written before its snapshot", who).hasSize(BIG_KEYS);
      assertThat(bigKeys).isEqualTo(clients[leader].prefix("/big/", true));
      assertThat(clients[away].hashKv(rev).getHash()).as("%s: HashKV at %d", who, rev)
          .isEqualTo(clients[leader].hashKv(rev).getHash());
      assertThat(firstLogIndex(cluster, away)).as("%s: first index in its log", who).isPositive();
    }
  }

  private static OptionalLong latestSnapshotIndex(InJvmCluster cluster, int i) throws IOException {
    try (Stream<Path> files = Files.walk(cluster.config(i).dataDir().resolve("raft"))) {
      return files.map(p -> SNAPSHOT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(2))).max();
    }
  }

  /** The lowest log index left in member i's Raft log segments. */
  private static long firstLogIndex(InJvmCluster cluster, int i) throws IOException {
    try (Stream<Path> files = Files.walk(cluster.config(i).dataDir().resolve("raft"))) {
      return files.filter(p -> p.getParent().getFileName().toString().equals("current"))
          .map(p -> SEGMENT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches).mapToLong(m -> Long.parseLong(m.group(1))).min()
          .orElseThrow(() -> new AssertionError("m" + (i + 1) + ": no log segment"));
    }
  }
}

package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.grpc.StatusRuntimeException;
import io.trireme.store.InJvmCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Watchers on a follower and on the leader see a writer's keys while the leader is stopped; a watch
 * whose stream broke is reopened on another member from the revision after the last one it saw. Each
 * watcher's events must then be exactly the acknowledged writes: in order, without gaps or duplicates.
 */
class WatchAcrossLeaderChangeIT {
  private static final String PREFIX = "/watched/";
  private static final int KEYS = 300;
  private static final int STOP_AFTER = 120;
  private static final int MAX_ATTEMPTS_PER_KEY = 50;

  /** One acknowledged write: the key and the revision it was written at. */
  record Ack(String key, long revision) {}

  @Test
  void watchersSeeEveryAcknowledgedWriteOnceInOrderAcrossLeaderStop() throws Exception {
    try (InJvmCluster cluster = Timing.cluster(10_000)) {
      int leader = cluster.awaitLeader();
      int follower = (leader + 1) % 3;
      int other = (leader + 2) % 3;
      StoreClient[] clients = new StoreClient[3];
      for (int i = 0; i < 3; i++) clients[i] = new StoreClient(cluster.channel(i));
      long startRev = cluster.server(leader).revision() + 1;

      WatchRecorder onFollower = new WatchRecorder("watch@follower m" + (follower + 1), PREFIX);
      WatchRecorder onLeader = new WatchRecorder("watch@leader m" + (leader + 1), PREFIX);
      onFollower.open(clients[follower].channel(), startRev);
      onLeader.open(clients[leader].channel(), startRev);
      List<WatchRecorder> watchers = List.of(onFollower, onLeader);
      await().atMost(Duration.ofSeconds(10)).until(() -> watchers.stream().allMatch(WatchRecorder::isCreated));

      List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      AtomicBoolean writerFailed = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        int endpoint = other;
        for (int n = 0; n < KEYS && !writerFailed.get(); n++) {
          String key = PREFIX + String.format("%04d", n);
          KeyValue kv = null;
          for (int attempt = 0; kv == null && attempt < MAX_ATTEMPTS_PER_KEY; attempt++) {
            try {
              kv = clients[endpoint].createOnce(key, "v" + n);
            } catch (StatusRuntimeException e) {
              failures.merge(e.getStatus().getCode().toString(), 1, Integer::sum);
              endpoint = (endpoint + 1) % 3; // as a client with several endpoints does
            }
          }
          if (kv == null) {
            writerFailed.set(true);
          } else {
            acks.add(new Ack(key, kv.getModRevision()));
          }
        }
      }, "watched-writer");
      writer.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> acks.size() >= STOP_AFTER || writerFailed.get());
        cluster.stop(leader);
        long stopped = System.nanoTime();
        // Reopen broken watches (round robin over the endpoints, as a client would) until the writer is done.
        int[] next = {leader};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
          for (WatchRecorder w : watchers) {
            if (!w.isOpen()) {
              next[0] = (next[0] + 1) % 3;
              w.reopenIfBroken(clients[next[0]].channel());
            }
          }
          return !writer.isAlive();
        });
        System.out.printf("WATCH leader m%d stopped; writer done %d ms later; opens per watcher %s; failures %s%n",
            leader + 1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped),
            watchers.stream().map(w -> w + "=" + w.opens()).toList(), failures);
      } finally {
        writerFailed.compareAndSet(false, writer.isAlive());
        writer.join(TimeUnit.SECONDS.toMillis(30));
      }
      assertThat(writerFailed).as("writer gave up on a key").isFalse();
      assertThat(acks).hasSize(KEYS);

      List<Ack> expected = List.copyOf(acks);
      for (int i = 1; i < expected.size(); i++) {
        assertThat(expected.get(i).revision()).as("ack %d revision", i).isEqualTo(expected.get(i - 1).revision() + 1);
      }
      long last = expected.get(expected.size() - 1).revision();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        for (WatchRecorder w : watchers) {
          if (!w.isOpen()) {
            next(cluster, w, clients);
          }
        }
        return watchers.stream().allMatch(w -> w.lastRevision() >= last);
      });
      for (WatchRecorder w : watchers) {
        assertThat(w.problems()).as("%s problems", w).isEmpty();
        List<Ack> seen = new ArrayList<>();
        for (Event e : w.events()) {
          assertThat(e.getType()).as("%s event type", w).isEqualTo(Event.EventType.PUT);
          seen.add(new Ack(e.getKv().getKey().toStringUtf8(), e.getKv().getModRevision()));
        }
        assertThat(seen).as("%s: events vs acknowledged writes", w).containsExactlyElementsOf(expected);
        w.close();
      }
    }
  }

  /** Reopens a broken watch on the first running member. */
  private static void next(InJvmCluster cluster, WatchRecorder w, StoreClient[] clients) {
    for (int i : cluster.running()) {
      if (w.reopenIfBroken(clients[i].channel())) return;
    }
  }
}

package io.trireme.store.watch;

import static io.trireme.store.watch.FakeEventSource.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch hub over a fake event source and fake streams: ordering, gaps, duplicates, filters, compaction. */
class WatchHubTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final FakeEventSource source = new FakeEventSource();
  private final WatchHub hub = new WatchHub(source, Duration.ofMinutes(10), 1000, "test");
  private final ExecutorService writer = Executors.newSingleThreadExecutor();

  {
    source.attach(hub);
  }

  @AfterEach
  void close() {
    writer.shutdownNow();
    hub.close();
  }

  private Watcher watch(RecordingSink sink, long id, String key, String end, long start, boolean prevKv,
      boolean noPut, boolean noDelete) {
    return hub.create(sink, id, bs(key), bs(end), start, prevKv, noPut, noDelete, false);
  }

  /** What a watcher must receive: the matching events from {@code start} on, prev_kv stripped if not asked. */
  private List<Event> expected(Predicate<ByteString> keys, long start, boolean prevKv, boolean noPut, boolean noDelete) {
    List<Event> out = new ArrayList<>();
    for (Event e : source.allEvents()) {
      if (e.getKv().getModRevision() < start || !keys.test(e.getKv().getKey())) continue;
      if (e.getType() == Event.EventType.PUT ? noPut : noDelete) continue;
      out.add(prevKv || !e.hasPrevKv() ? e : e.toBuilder().clearPrevKv().build());
    }
    return out;
  }

  private static List<String> describe(List<Event> evs) {
    return evs.stream().map(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@"
        + e.getKv().getModRevision() + (e.hasPrevKv() ? " prev@" + e.getPrevKv().getModRevision() : "")).toList();
  }

  private static void assertRevisionsNonDecreasingAcrossResponses(RecordingSink sink) {
    long last = 0;
    for (WatchResponse r : sink.responses()) {
      for (Event e : r.getEventsList()) {
        assertThat(e.getKv().getModRevision()).isGreaterThanOrEqualTo(last);
        last = e.getKv().getModRevision();
      }
      if (r.getEventsCount() > 0) assertThat(r.getHeader().getRevision()).isGreaterThanOrEqualTo(last);
    }
  }

  @Test
  void create_sendsCreatedFirst_withTheCurrentRevision() {
    source.commit(List.of("a"), List.of());
    RecordingSink sink = new RecordingSink();
    Watcher w = watch(sink, 3, "a", "", 0, false, false, false);
    assertThat(w).isNotNull();
    assertThat(w.id()).isEqualTo(3);
    WatchResponse created = sink.responses().get(0);
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getCanceled()).isFalse();
    assertThat(created.getWatchId()).isEqualTo(3);
    assertThat(created.getHeader().getRevision()).isEqualTo(2);
    assertThat(hub.size()).isEqualTo(1);
  }

  @Test
  void liveEvents_onlyFromTheNextRevision_inOrder_oneResponsePerRevision() {
    source.commit(List.of("a"), List.of()); // 2: before the watch
    RecordingSink sink = new RecordingSink();
    watch(sink, 1, "a", "b", 0, true, false, false);
    source.commit(List.of("a", "ab"), List.of()); // 3
    source.commit(List.of("b"), List.of()); // 4: not in range
    source.commit(List.of(), List.of("a")); // 5
    assertThat(describe(sink.events())).containsExactly("PUT a@3 prev@2", "PUT ab@3", "DELETE a@5 prev@3");
    List<WatchResponse> withEvents = sink.responses().stream().filter(r -> r.getEventsCount() > 0).toList();
    assertThat(withEvents).extracting(r -> r.getHeader().getRevision()).containsExactly(3L, 5L);
  }

  @Test
  void startInThePast_replaysHistoryThenGoesLive_withoutGapsOrDuplicates() {
    for (int i = 0; i < 20; i++) source.commit(List.of("k" + (i % 3)), i % 4 == 3 ? List.of("k" + (i % 2)) : List.of());
    RecordingSink sink = new RecordingSink();
    watch(sink, 1, "k", "l", 5, true, false, false);
    for (int i = 0; i < 20; i++) source.commit(List.of("k" + (i % 5)), List.of());
    List<Event> want = expected(k -> k.toStringUtf8().startsWith("k"), 5, true, false, false);
    await().atMost(WAIT).untilAsserted(() -> assertThat(describe(sink.events())).isEqualTo(describe(want)));
    assertThat(sink.events()).isEqualTo(want);
    assertRevisionsNonDecreasingAcrossResponses(sink);
  }

  @Test
  void startInTheFuture_waitsForThatRevision() {
    RecordingSink sink = new RecordingSink();
    watch(sink, 1, "a", "", 4, false, false, false);
    for (int i = 0; i < 5; i++) source.commit(List.of("a"), List.of()); // 2..6
    assertThat(sink.events()).extracting(e -> e.getKv().getModRevision()).containsExactly(4L, 5L, 6L);
  }

  @Test
  void compactedStart_isCreatedThenCanceledWithTheCompactRevision() {
    for (int i = 0; i < 9; i++) source.commit(List.of("a"), List.of()); // 2..10
    source.compact(8);
    RecordingSink sink = new RecordingSink();
    assertThat(watch(sink, 5, "a", "", 7, false, false, false)).isNull();
    assertThat(sink.responses()).hasSize(2);
    assertThat(sink.responses().get(0).getCreated()).isTrue();
    WatchResponse canceled = sink.responses().get(1);
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getWatchId()).isEqualTo(5);
    assertThat(canceled.getCompactRevision()).isEqualTo(8);
    assertThat(canceled.getEventsList()).isEmpty();
    assertThat(hub.size()).isZero();
    RecordingSink atCompact = new RecordingSink();
    assertThat(watch(atCompact, 6, "a", "", 8, false, false, false)).isNotNull();
    await().atMost(WAIT).until(() -> atCompact.events().size() == 3);
  }

  @Test
  void slowWatcher_overtakenByCompaction_isCanceledWithTheCompactRevision() {
    source.commit(List.of("a"), List.of()); // 2
    RecordingSink sink = new RecordingSink();
    sink.block(true);
    watch(sink, 1, "a", "", 0, false, false, false);
    for (int i = 0; i < 5; i++) source.commit(List.of("a"), List.of()); // 3..7, none delivered
    source.compact(6);
    sink.block(false);
    await().atMost(WAIT).until(() -> sink.responses().stream().anyMatch(WatchResponse::getCanceled));
    WatchResponse last = sink.responses().get(sink.responses().size() - 1);
    assertThat(last.getCanceled()).isTrue();
    assertThat(last.getCompactRevision()).isEqualTo(6);
    assertThat(sink.events()).isEmpty();
    assertThat(hub.size()).isZero();
  }

  @Test
  void filters_noPutAndNoDelete() {
    RecordingSink noPut = new RecordingSink();
    RecordingSink noDelete = new RecordingSink();
    RecordingSink both = new RecordingSink();
    watch(noPut, 1, "a", "\0", 0, false, true, false);
    watch(noDelete, 2, "a", "\0", 0, false, false, true);
    watch(both, 3, "a", "\0", 0, false, true, true);
    source.commit(List.of("a", "b"), List.of()); // 2
    source.commit(List.of("c"), List.of("a")); // 3
    source.commit(List.of(), List.of("b", "c")); // 4
    assertThat(describe(noPut.events())).containsExactly("DELETE a@3", "DELETE b@4", "DELETE c@4");
    assertThat(describe(noDelete.events())).containsExactly("PUT a@2", "PUT b@2", "PUT c@3");
    assertThat(both.events()).isEmpty();
    assertThat(both.responses()).hasSize(1); // only "created"
  }

  @Test
  void prevKv_isSentOnlyWhenAsked_liveAndFromHistory() {
    source.commit(List.of("a"), List.of()); // 2
    source.commit(List.of("a"), List.of()); // 3
    RecordingSink with = new RecordingSink();
    RecordingSink without = new RecordingSink();
    watch(with, 1, "a", "", 2, true, false, false);
    watch(without, 2, "a", "", 2, false, false, false);
    source.commit(List.of(), List.of("a")); // 4
    await().atMost(WAIT).until(() -> with.events().size() == 3 && without.events().size() == 3);
    assertThat(describe(with.events())).containsExactly("PUT a@2", "PUT a@3 prev@2", "DELETE a@4 prev@3");
    assertThat(describe(without.events())).containsExactly("PUT a@2", "PUT a@3", "DELETE a@4");
  }

  @Test
  void cancel_stopsDelivery_andIsIdempotent() {
    RecordingSink sink = new RecordingSink();
    Watcher w = watch(sink, 1, "a", "", 0, false, false, false);
    source.commit(List.of("a"), List.of());
    assertThat(hub.cancel(w)).isTrue();
    assertThat(hub.cancel(w)).isFalse();
    int before = sink.responses().size();
    source.commit(List.of("a"), List.of());
    assertThat(sink.responses()).hasSize(before);
    assertThat(hub.size()).isZero();
  }

  @Test
  void canceledWhileCatchingUp_receivesNothingMore() {
    for (int i = 0; i < 10; i++) source.commit(List.of("a"), List.of());
    RecordingSink sink = new RecordingSink();
    sink.block(true);
    Watcher w = watch(sink, 1, "a", "", 2, false, false, false);
    hub.cancel(w);
    sink.block(false);
    hub.syncUnsynced();
    assertThat(sink.responses()).hasSize(1);
  }

  @Test
  void tooManyWatchers_isRefusedWithCreatedAndCanceled() {
    try (WatchHub small = new WatchHub(source, Duration.ofMinutes(10), 1, "small")) {
      RecordingSink sink = new RecordingSink();
      assertThat(small.create(sink, 1, bs("a"), bs(""), 0, false, false, false, false)).isNotNull();
      assertThat(small.create(sink, 2, bs("a"), bs(""), 0, false, false, false, false)).isNull();
      WatchResponse refused = sink.responses().get(1);
      assertThat(refused.getCreated()).isTrue();
      assertThat(refused.getCanceled()).isTrue();
    }
  }

  @Test
  void progressRevision_isTheLowestRevisionEveryWatcherWasSentUpTo() {
    source.commit(List.of("a"), List.of()); // 2
    RecordingSink fast = new RecordingSink();
    RecordingSink slow = new RecordingSink();
    slow.block(true);
    Watcher f = watch(fast, 1, "a", "", 0, false, false, false);
    Watcher s = watch(slow, 2, "a", "", 0, false, false, false);
    source.commit(List.of("a"), List.of()); // 3
    source.commit(List.of("a"), List.of()); // 4
    assertThat(hub.progressRevision(List.of(f))).isEqualTo(4);
    assertThat(hub.progressRevision(List.of(f, s))).isEqualTo(2);
    slow.block(false);
    await().atMost(WAIT).until(() -> hub.progressRevision(List.of(f, s)) == 4);
  }

  /**
   * Many watchers (ranges, filters, start revisions, clients that refuse a share of sends) while a writer
   * commits concurrently: each must receive exactly its events, in order, once.
   */
  @Test
  void interleavedCommitsAndSlowClients_orderedGapFreeDuplicateFree() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 50; i++) source.commit(List.of("k" + rnd.nextInt(10)), List.of());
    record Spec(String key, String end, long start, boolean prevKv, boolean noPut, boolean noDelete, double refuse) {}
    List<Spec> specs = List.of(
        new Spec("k", "l", 0, true, false, false, 0),
        new Spec("k1", "", 0, false, false, false, 0.5),
        new Spec("k", "l", 2, true, false, false, 0.3),
        new Spec("k3", "k7", 20, false, true, false, 0.7),
        new Spec("k", "\0", 45, true, false, true, 0.2),
        new Spec("\0", "\0", 1, false, false, false, 0.9));
    List<RecordingSink> sinks = new ArrayList<>();
    Future<?> writes = writer.submit(() -> {
      Random w = new Random(7);
      for (int i = 0; i < 1500; i++) {
        List<String> puts = new ArrayList<>();
        List<String> dels = new ArrayList<>();
        int n = 1 + w.nextInt(3);
        for (int j = 0; j < n; j++) {
          String k = "k" + w.nextInt(10);
          if (puts.contains(k) || dels.contains(k)) continue;
          (w.nextInt(4) == 0 ? dels : puts).add(k);
        }
        source.commit(puts, dels);
      }
    });
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      RecordingSink sink = new RecordingSink(i, s.refuse());
      sinks.add(sink);
      long startRev = s.start() == 0 ? source.revision() + 1 : s.start();
      // a "from now" watch is created at some revision r and must see exactly revisions > r
      Watcher w = watch(sink, i, s.key(), s.end(), s.start(), s.prevKv(), s.noPut(), s.noDelete());
      assertThat(w).isNotNull();
      long created = sink.responses().get(0).getHeader().getRevision();
      if (s.start() == 0) assertThat(created + 1).isGreaterThanOrEqualTo(startRev);
    }
    writes.get(60, TimeUnit.SECONDS);
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      RecordingSink sink = sinks.get(i);
      long from = s.start() == 0 ? sink.responses().get(0).getHeader().getRevision() + 1 : s.start();
      Watcher probe = new Watcher(0, sink, bs(s.key()), bs(s.end()), 0, true, false, false, false);
      List<Event> want = expected(probe::matches, from, s.prevKv(), s.noPut(), s.noDelete());
      await("watcher " + i).atMost(WAIT).untilAsserted(
          () -> assertThat(describe(sink.events())).isEqualTo(describe(want)));
      assertThat(sink.events()).isEqualTo(want);
      assertRevisionsNonDecreasingAcrossResponses(sink);
      if (s.refuse() > 0) assertThat(sink.refused()).isPositive();
    }
  }
}

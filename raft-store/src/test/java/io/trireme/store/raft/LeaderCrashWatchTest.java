package io.trireme.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderCrashWatchTest {
  private static final RaftPeerId M1 = RaftPeerId.valueOf("m1");
  private static final RaftPeerId M2 = RaftPeerId.valueOf("m2");
  private static final RaftPeerId M3 = RaftPeerId.valueOf("m3");

  /** A stand-in for the leader's Raft port: accepts and holds connections until it "dies". */
  private static final class LeaderPort implements AutoCloseable {
    final ServerSocket listener;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final Thread acceptor;

    LeaderPort() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        try {
          while (true) accepted.add(listener.accept());
        } catch (IOException closed) {
          // died
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** As kill -9 does: the listener and every connection close; the port then refuses. */
    void die() throws Exception {
      listener.close();
      acceptor.join(5000);
      for (Socket s : accepted) s.close();
    }

    @Override
    public void close() throws Exception {
      die();
    }
  }

  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) c.close();
  }

  private record Started(RaftPeerId leader, TermIndex lastEntry) { }

  /** One watch at {@code self} following m1 at term 5 with last entry (5, 10), plus what it did. */
  private final class Fixture {
    final LeaderPort leader = new LeaderPort();
    final AtomicReference<LeaderCrashWatch.View> view =
        new AtomicReference<>(new LeaderCrashWatch.View(true, M1, 5, TermIndex.valueOf(5, 10)));
    final List<Started> started = new CopyOnWriteArrayList<>();
    final CountDownLatch startedLatch = new CountDownLatch(1);
    final AtomicInteger asked = new AtomicInteger();

    Fixture(RaftPeerId self, java.util.function.Function<RaftPeerId, CompletableFuture<TermIndex>> peers)
        throws IOException {
      toClose.add(leader);
      watch(self, view, leader.address(), p -> {
        asked.incrementAndGet();
        return peers.apply(p);
      }, started, startedLatch);
    }

    /** Waits until the watch holds its connection, then kills the leader's port. */
    void killLeaderOnceWatched() throws Exception {
      waitForConnection(leader);
      assertTrue(started.isEmpty(), "nothing happens while the leader's port is open");
      leader.die();
    }

    void assertStarted(Started expected) throws InterruptedException {
      assertTrue(startedLatch.await(10, TimeUnit.SECONDS), "an election was started");
      assertEquals(expected, started.get(0));
    }

    /** It leaves the election to the other member first, and starts one itself only once that one did nothing. */
    void assertDefersThenStarts() throws InterruptedException {
      waitUntil(() -> asked.get() >= 1);
      long askedAt = System.nanoTime();
      assertTrue(started.isEmpty(), "another member stands first");
      assertTrue(startedLatch.await(10, TimeUnit.SECONDS), "an election was started in the end");
      assertTrue(asked.get() >= 2, "it asked again before it went");
      assertTrue(System.nanoTime() - askedAt >= TimeUnit.MILLISECONDS.toNanos(LeaderCrashWatch.DEFER_LIMIT_MS / 2),
          "it waited for the other member");
    }
  }

  private static CompletableFuture<TermIndex> answer(long term, long index) {
    return CompletableFuture.completedFuture(TermIndex.valueOf(term, index));
  }

  private LeaderCrashWatch watch(RaftPeerId self, AtomicReference<LeaderCrashWatch.View> view, InetSocketAddress leader,
      java.util.function.Function<RaftPeerId, CompletableFuture<TermIndex>> peers, List<Started> started,
      CountDownLatch startedLatch) {
    LeaderCrashWatch w = new LeaderCrashWatch(self, List.of(M1, M2, M3), view::get, id -> leader, peers,
        (l, last) -> {
          started.add(new Started(l, last));
          startedLatch.countDown();
          return true;
        });
    toClose.add(w);
    w.start();
    return w;
  }

  @Test
  void leaderPortRefusing_theMostUpToDateFollowerStartsAnElection() throws Exception {
    Fixture f = new Fixture(M3, p -> answer(5, 9));
    f.killLeaderOnceWatched();
    f.assertStarted(new Started(M1, TermIndex.valueOf(5, 10)));
  }

  @Test
  void anotherFollowerWithALongerLog_goesFirst_thisOneWaitsForIt() throws Exception {
    Fixture f = new Fixture(M2, p -> {
      assertEquals(M3, p, "only the other follower is asked");
      return answer(5, 11);
    });
    f.killLeaderOnceWatched();
    f.assertDefersThenStarts();
  }

  @Test
  void equalLogs_theSmallerIdGoesFirst() throws Exception {
    Fixture m2 = new Fixture(M2, p -> answer(5, 10));
    m2.killLeaderOnceWatched();
    m2.assertStarted(new Started(M1, TermIndex.valueOf(5, 10)));
    Fixture m3 = new Fixture(M3, p -> answer(5, 10));
    m3.killLeaderOnceWatched();
    m3.assertDefersThenStarts();
  }

  @Test
  void aFollowerThatDoesNotAnswer_countsAsEqual_soTheIdsDecide() throws Exception {
    Fixture m2 = new Fixture(M2, p -> new CompletableFuture<>());
    m2.killLeaderOnceWatched();
    m2.assertStarted(new Started(M1, TermIndex.valueOf(5, 10)));
    Fixture m3 = new Fixture(M3, p -> new CompletableFuture<>());
    m3.killLeaderOnceWatched();
    m3.assertDefersThenStarts();
  }

  @Test
  void aPausedLeader_whoseKernelStillAccepts_isLeftToTheElectionTimeout() throws Exception {
    // a listener nobody accepts on: the kernel completes connections into its backlog, as for a SIGSTOPped process
    try (ServerSocket paused = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Started> started = new CopyOnWriteArrayList<>();
      AtomicInteger asked = new AtomicInteger();
      watch(M3, new AtomicReference<>(new LeaderCrashWatch.View(true, M1, 5, TermIndex.valueOf(5, 10))),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), paused.getLocalPort()), p -> {
            asked.incrementAndGet();
            return answer(5, 9);
          }, started, new CountDownLatch(1));
      Thread.sleep(3 * LeaderCrashWatch.RECHECK_MS + 500); // several read timeouts on an open, silent connection
      assertTrue(started.isEmpty());
      assertEquals(0, asked.get(), "no suspicion at all");
    }
  }

  @Test
  void aNewLeader_isWatchedInstead_andTheOldOnesPortTellsNothing() throws Exception {
    LeaderPort oldLeader = new LeaderPort();
    toClose.add(oldLeader);
    LeaderPort newLeader = new LeaderPort();
    toClose.add(newLeader);
    AtomicReference<LeaderCrashWatch.View> view =
        new AtomicReference<>(new LeaderCrashWatch.View(true, M1, 5, TermIndex.valueOf(5, 10)));
    List<Started> started = new CopyOnWriteArrayList<>();
    CountDownLatch latch = new CountDownLatch(1);
    LeaderCrashWatch w = new LeaderCrashWatch(M3, List.of(M1, M2, M3), view::get,
        id -> id.equals(M1) ? oldLeader.address() : newLeader.address(),
        p -> CompletableFuture.completedFuture(TermIndex.valueOf(0, 0)),
        (l, last) -> {
          started.add(new Started(l, last));
          latch.countDown();
          return true;
        });
    toClose.add(w);
    w.start();
    waitForConnection(oldLeader);
    view.set(new LeaderCrashWatch.View(true, M2, 6, TermIndex.valueOf(6, 11)));
    waitForConnection(newLeader);
    oldLeader.die();
    Thread.sleep(3 * LeaderCrashWatch.RECHECK_MS);
    assertTrue(started.isEmpty(), "the old leader is no longer anyone's concern");

    newLeader.die();
    assertTrue(latch.await(10, TimeUnit.SECONDS));
    assertEquals(new Started(M2, TermIndex.valueOf(6, 11)), started.get(0));
  }

  @Test
  void aLeaderOrCandidate_watchesNobody() throws Exception {
    LeaderPort leader = new LeaderPort();
    toClose.add(leader);
    List<Started> started = new CopyOnWriteArrayList<>();
    watch(M3, new AtomicReference<>(new LeaderCrashWatch.View(false, M1, 5, TermIndex.valueOf(5, 10))),
        leader.address(), p -> answer(5, 9), started, new CountDownLatch(1));
    Thread.sleep(3 * LeaderCrashWatch.RECHECK_MS);
    assertTrue(leader.accepted.isEmpty(), "a candidate does not connect to anyone");
    leader.die();
    Thread.sleep(3 * LeaderCrashWatch.RECHECK_MS);
    assertTrue(started.isEmpty());
  }

  @Test
  void lastEntryService_answersOverGrpc_andAnswersUnavailableWhileStopped() throws Exception {
    String name = InProcessServerBuilder.generateName();
    AtomicReference<TermIndex> last = new AtomicReference<>(TermIndex.valueOf(7, 42));
    AtomicReference<Boolean> running = new AtomicReference<>(true);
    Server server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(LeaderCrashWatch.service(() -> {
          if (!running.get()) throw new IllegalStateException("stopped");
          return last.get();
        })).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      assertEquals(TermIndex.valueOf(7, 42), LeaderCrashWatch.askLastEntry(ch).get(5, TimeUnit.SECONDS));
      last.set(null);
      assertEquals(TermIndex.valueOf(0, 0), LeaderCrashWatch.askLastEntry(ch).get(5, TimeUnit.SECONDS));
      running.set(false);
      CompletableFuture<TermIndex> f = LeaderCrashWatch.askLastEntry(ch);
      assertFalse(waitQuietly(f), "a stopped member gives no entry");
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
    }
  }

  private static boolean waitQuietly(CompletableFuture<?> f) {
    try {
      f.get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void waitForConnection(LeaderPort leader) throws InterruptedException {
    waitUntil(() -> !leader.accepted.isEmpty());
  }

  private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met in 10 s");
      Thread.sleep(10);
    }
  }
}

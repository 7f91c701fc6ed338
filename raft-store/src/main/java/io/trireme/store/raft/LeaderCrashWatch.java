package io.trireme.store.raft;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover without waiting for an election timeout when the leader's process dies but its host stays up (kill -9,
 * an OOM kill, a crash): the host's kernel then refuses connections to the leader's Raft port at once, while Raft
 * alone notices only when a follower's randomized timeout runs out (with Ratis' follower loop, 1.5 timeouts on
 * average: about 900 ms at 400-800 ms).
 *
 * <p>Each follower keeps one idle TCP connection open to its leader's Raft port. When that connection closes, it
 * connects again; "connection refused" means that nothing listens there any more. The followers that saw it then
 * settle, without a round of votes, which of them stands first: the one with the most up-to-date log, ties going
 * to the smaller member id; each learns the others' last log entry over {@link #LAST_ENTRY} (a member that does
 * not answer in time counts as having a log as long as ours, so the ids decide; a member that stood first but
 * started nothing within {@link #DEFER_LIMIT_MS} is not waited for any longer). That one starts an election at once, as a leadership hand-over makes its
 * target do, and the others vote for it because its log is at least as long as theirs.
 *
 * <p>What it leaves to the election timeout: a leader whose host or network is gone (a connection attempt times out
 * rather than being refused) and a paused leader (its kernel still accepts connections). Starting an election early
 * is always safe in Raft, since a vote still needs an up-to-date log; a wrong suspicion would cost one term.
 */
final class LeaderCrashWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderCrashWatch.class);
  static final String SERVICE = "trireme.store.internal.Election";
  /** A member's last log entry: empty request, 16 bytes (term, index) back. Not part of etcd's API. */
  static final MethodDescriptor<byte[], byte[]> LAST_ENTRY = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "LastEntry"))
      .setRequestMarshaller(io.trireme.store.RawBytes.MARSHALLER)
      .setResponseMarshaller(io.trireme.store.RawBytes.MARSHALLER)
      .build();
  /** A connection attempt that neither connects nor is refused by then tells nothing: the host may be gone. */
  static final int CONNECT_TIMEOUT_MS = 200;
  /** How often a watching follower checks whether its leader or term changed. */
  static final int RECHECK_MS = 100;
  /**
   * How long a follower waits for another member's last log entry; without an answer it takes that member's log to
   * be as long as its own, so the smaller id stands first (on a saturated machine both answers were seen to miss
   * the limit, and both members then went at once and split the vote).
   */
  static final long PEER_ANSWER_MS = 150;
  /**
   * How long a follower lets its log settle before it compares it with the others': entries the dead leader sent
   * just before dying may still be on their way into a member's log, and a member that answered before they landed
   * would later find itself ahead of what it told the others (seen in a benchmark trial: both followers decided
   * to stand first, split the vote, and the election took 1.8 s).
   */
  static final long SETTLE_MS = 30;
  /**
   * How long a member leaves the election to the one that stands first before it starts one itself: that member
   * may not have seen the refusal (a JVM restarted seconds before, whose own election timeout fired first, was seen
   * to take 1.8 s), and its election, once started, changes our term and ends the wait anyway.
   */
  static final long DEFER_LIMIT_MS = 400;

  /** What this member knows: whether it follows, whom, in which term, and its last log entry. */
  record View(boolean follower, RaftPeerId leader, long term, TermIndex lastEntry) {
    boolean sameLeadership(View o) {
      return o != null && o.follower && follower && leader != null && leader.equals(o.leader) && term == o.term;
    }
  }

  private final RaftPeerId self;
  private final List<RaftPeerId> voters;
  private final Supplier<View> view;
  private final Function<RaftPeerId, InetSocketAddress> raftAddress;
  private final Function<RaftPeerId, CompletableFuture<TermIndex>> peerLastEntry;
  /** Starts an election at this member at once; true if it did. Given the failed leader and our last entry. */
  private final BiPredicate<RaftPeerId, TermIndex> startElection;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Socket watching;
  /** The leadership for which this member left the election to another one, and since when (watch thread only). */
  private View deferredFor;
  private long deferredSince;

  LeaderCrashWatch(RaftPeerId self, List<RaftPeerId> voters, Supplier<View> view,
      Function<RaftPeerId, InetSocketAddress> raftAddress,
      Function<RaftPeerId, CompletableFuture<TermIndex>> peerLastEntry,
      BiPredicate<RaftPeerId, TermIndex> startElection) {
    this.self = self;
    this.voters = List.copyOf(voters);
    this.view = view;
    this.raftAddress = raftAddress;
    this.peerLastEntry = peerLastEntry;
    this.startElection = startElection;
    this.thread = new Thread(this::run, self + "-leader-watch");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (!closed) {
      try {
        View v = currentView();
        if (v == null || !v.follower() || v.leader() == null || v.leader().equals(self)) {
          Thread.sleep(RECHECK_MS / 5); // not following anyone yet: the poll period, not a wait for a condition
          continue;
        }
        watch(v);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.debug("{}: leader watch", self, e);
        sleepQuietly(RECHECK_MS); // retry period after an unexpected failure, so a fault cannot spin
      }
    }
  }

  private View currentView() {
    try {
      return view.get();
    } catch (RuntimeException e) { // not running (starting or stopping)
      return null;
    }
  }

  /** Watches {@code v}'s leader until the leadership changes; acts if its Raft port refuses connections. */
  private void watch(View v) throws InterruptedException {
    InetSocketAddress address = raftAddress.apply(v.leader());
    while (!closed && v.sameLeadership(currentView())) {
      Socket socket = new Socket();
      try {
        socket.connect(address, CONNECT_TIMEOUT_MS);
      } catch (ConnectException e) {
        LOG.debug("{}: connecting to the leader: {}", self, e.toString());
        closeQuietly(socket);
        if (String.valueOf(e.getMessage()).contains("refused")) {
          onRefused(v, address);
        }
        Thread.sleep(RECHECK_MS); // the election runs meanwhile; retry period, not a condition stand-in
        return;
      } catch (IOException e) { // timed out or unreachable: no evidence either way
        closeQuietly(socket);
        Thread.sleep(RECHECK_MS); // retry period before the next connection attempt, not a condition stand-in
        return;
      }
      watching = socket;
      LOG.debug("{}: watching the leader at {}", self, address);
      try (socket) {
        socket.setSoTimeout(RECHECK_MS);
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[512];
        while (!closed && v.sameLeadership(currentView())) {
          try {
            if (in.read(sink) < 0) { LOG.debug("{}: the connection to the leader was closed", self); break; }
          } catch (SocketTimeoutException e) {
            // nothing arrived; look at the leadership again
          }
        }
      } catch (IOException e) {
        LOG.debug("{}: the connection to the leader failed: {}", self, e.toString());
      } finally {
        watching = null;
      }
    }
  }

  private void onRefused(View v, InetSocketAddress address) throws InterruptedException {
    Thread.sleep(SETTLE_MS);
    View now = currentView();
    if (!v.sameLeadership(now)) return;
    TermIndex mine = now.lastEntry();
    for (RaftPeerId p : voters) {
      if (p.equals(self) || p.equals(v.leader())) continue;
      TermIndex theirs;
      try {
        theirs = peerLastEntry.apply(p).get(PEER_ANSWER_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) { // no answer in time: take its log to be as long as ours, so the ids decide
        theirs = mine;
      }
      if (goesBefore(theirs, p, mine)) {
        long waited = deferring(v);
        if (waited < DEFER_LIMIT_MS) {
          LOG.info("{}: leader {} refuses connections on {}; {} (last entry {}) stands first, ours is {}",
              self, v.leader(), address, p, theirs, mine);
          return;
        }
        LOG.info("{}: {} stood first but started no election in {} ms", self, p, waited);
        break;
      }
    }
    if (!v.sameLeadership(currentView())) return;
    LOG.warn("{}: leader {} refuses connections on {} (its process is gone): starting an election now "
        + "(term {}, last entry {})", self, v.leader(), address, v.term(), mine);
    if (!startElection.test(v.leader(), mine)) {
      LOG.info("{}: the early election was not started; the election timeout will decide", self);
    }
  }

  /** Milliseconds this member has left the election to another one for the leadership {@code v}. */
  private long deferring(View v) {
    if (!v.sameLeadership(deferredFor)) {
      deferredFor = v;
      deferredSince = System.nanoTime();
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deferredSince);
  }

  /** Whether the member {@code p} with last entry {@code theirs} stands before this member with {@code mine}. */
  boolean goesBefore(TermIndex theirs, RaftPeerId p, TermIndex mine) {
    if (theirs == null) return false;
    if (mine == null) return true;
    int c = theirs.compareTo(mine);
    return c > 0 || c == 0 && p.toString().compareTo(self.toString()) < 0;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    closeQuietly(watching);
  }

  private static void closeQuietly(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The answering side of {@link #LAST_ENTRY}: this member's last log entry, or (0, 0) while it has none. */
  static ServerServiceDefinition service(Supplier<TermIndex> lastEntry) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(LAST_ENTRY, ServerCalls.asyncUnaryCall((byte[] ignored, io.grpc.stub.StreamObserver<byte[]> out) -> {
          TermIndex t;
          try {
            t = lastEntry.get();
          } catch (RuntimeException e) {
            out.onError(io.grpc.Status.UNAVAILABLE.withDescription("raft member is not running").asRuntimeException());
            return;
          }
          ByteBuffer b = ByteBuffer.allocate(16);
          b.putLong(t == null ? 0 : t.getTerm()).putLong(t == null ? 0 : t.getIndex());
          out.onNext(b.array());
          out.onCompleted();
        }))
        .build();
  }

  /** The asking side of {@link #LAST_ENTRY}, over {@code channel} to that member's client port. */
  static CompletableFuture<TermIndex> askLastEntry(ManagedChannel channel) {
    CompletableFuture<TermIndex> result = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(channel.newCall(LAST_ENTRY,
            CallOptions.DEFAULT.withDeadlineAfter(PEER_ANSWER_MS, TimeUnit.MILLISECONDS)), new byte[0],
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(byte[] v) {
            if (v.length != 16) {
              result.completeExceptionally(new IOException("bad last-entry answer: " + v.length + " bytes"));
              return;
            }
            ByteBuffer b = ByteBuffer.wrap(v);
            result.complete(TermIndex.valueOf(b.getLong(), b.getLong()));
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new IOException("no last-entry answer"));
          }
        });
    return result;
  }
}

package io.trireme.store.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.trireme.store.StoreConfig;
import io.trireme.store.StoreMember;
import io.trireme.store.mvcc.MvccStore;
import io.trireme.store.mvcc.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's Ratis server plus the routes of its writes and reads. Concurrent writes of a member share log
 * entries ({@link WriteBatcher}: at most {@value #WRITES_IN_FLIGHT} commands under way, the writes that arrive
 * meanwhile go as one batch). The leader submits its commands to its own server in-process; a follower forwards
 * each of its commands to the leader its own division currently knows (learned from heartbeats and elections)
 * over {@link ForwardRpc}, where they join the leader's write queue, so the writes of all members share the
 * leader's log entries. A command the leader submitted keeps its Ratis call id: if the leader steps down before
 * answering it, the same call id goes to the next leader, whose retry cache answers it if the entry was committed
 * (exactly once). While no leader is known, or a leader refused without acting, the command is routed again after
 * {@value #REROUTE_MS} ms until its deadline; a forward whose outcome is unknown (the leader died with it) fails
 * with etcd's "leader changed". Linearizable reads wait for a ReadIndex round on the local server shared by the
 * reads that arrived meanwhile ({@link ReadIndexBatcher}; served by followers too), then read the local state
 * machine; serializable reads go straight to it.
 */
public final class RaftMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftMember.class);
  private static final int CLIENTS = 4;
  /** etcd's request timeout with default timings: 5 s + 2 × election timeout. */
  static final long REQUEST_TIMEOUT_MS = 7000;
  /** Pause before routing a write again while no leader is known or the leader was not ready. */
  static final long REROUTE_MS = 10;
  /** Raft commands of this member under way at once; writes arriving meanwhile are batched (group commit). */
  static final int WRITES_IN_FLIGHT = 2;
  /**
   * Upper bound of one batch beyond the largest request: a batch a follower forwards must fit the leader's gRPC
   * limit on its client port (the largest request plus 512 KiB, as etcd allows); its first write always goes.
   */
  static final int BATCH_HEADROOM_BYTES = 256 * 1024;
  /** The message of a ReadIndex round: a read of nothing. */
  private static final Message READ_INDEX = Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf
      .ByteString.copyFrom(new byte[] {(byte) Op.READ_INDEX.ordinal()}));

  private final StoreConfig config;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final KvStateMachine stateMachine;
  private final RaftServer server;
  private final RaftClient[] clients = new RaftClient[CLIENTS];
  /** Per other member: a channel to its client port, for {@link ForwardRpc} while it leads. */
  private final Map<RaftPeerId, io.grpc.ManagedChannel> leaderChannels = new HashMap<>();
  private final ScheduledExecutorService rerouteTimer;
  private final WriteBatcher batcher;
  private final ReadIndexBatcher reads;
  private final LeaderCrashWatch crashWatch;
  private final AtomicInteger nextClient = new AtomicInteger();
  private final ClientId readerId = ClientId.randomId();
  private final AtomicLong readCallId = new AtomicLong();
  private final ClientId writerId = ClientId.randomId();
  private final AtomicLong writeCallId = new AtomicLong();
  private volatile boolean closed;

  public RaftMember(StoreConfig config, KvStateMachine stateMachine) throws IOException {
    this.config = config;
    this.stateMachine = stateMachine;
    this.self = RaftPeerId.valueOf(config.self());
    List<RaftPeer> peers = config.members().stream().map(RaftMember::peer).toList();
    this.group = RaftGroup.valueOf(groupId(config.clusterToken()), peers);
    RaftProperties props = serverProperties(config);
    this.server = RaftServer.newBuilder()
        .setServerId(self)
        .setGroup(group)
        .setProperties(props)
        .setStateMachine(stateMachine)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    RaftProperties clientProps = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(clientProps, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(clientProps, 1024);
    GrpcConfigKeys.setMessageSizeMax(clientProps, SizeInBytes.valueOf("8MB"));
    for (int i = 0; i < CLIENTS; i++) {
      clients[i] = RaftClient.newBuilder()
          .setProperties(clientProps)
          .setRaftGroup(group)
          .setClientId(ClientId.randomId())
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
              200, TimeDuration.valueOf(25, TimeUnit.MILLISECONDS)))
          .build();
    }
    for (StoreMember m : config.members()) {
      if (m.name().equals(config.self())) continue;
      // the client port of each other member, for forwarding writes to it while it leads (directExecutor: the
      // callbacks only complete futures; the write queue moves its next batch to its own thread)
      leaderChannels.put(RaftPeerId.valueOf(m.name()), io.grpc.netty.NettyChannelBuilder
          .forAddress(m.clientAddress().getHostString(), m.clientAddress().getPort())
          .usePlaintext()
          .directExecutor()
          .maxInboundMessageSize(config.maxRequestBytes() + (4 << 20)) // replies: a few bytes per write
          .build());
    }
    this.rerouteTimer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, config.self() + "-raft-requests"); // reroutes, next batches, next read rounds
      t.setDaemon(true);
      return t;
    });
    this.batcher = new WriteBatcher(WRITES_IN_FLIGHT, config.maxRequestBytes() + BATCH_HEADROOM_BYTES,
        this::replicate, rerouteTimer);
    this.reads = new ReadIndexBatcher(this::readIndexRound, rerouteTimer);
    Map<RaftPeerId, java.net.InetSocketAddress> raftAddresses = new HashMap<>();
    for (StoreMember m : config.members()) raftAddresses.put(RaftPeerId.valueOf(m.name()), m.raftAddress());
    this.crashWatch = new LeaderCrashWatch(self, List.copyOf(raftAddresses.keySet()), this::crashWatchView,
        raftAddresses::get, id -> LeaderCrashWatch.askLastEntry(leaderChannels.get(id)), this::startElectionNow);
  }

  static RaftGroupId groupId(String token) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("trireme/" + token).getBytes(StandardCharsets.UTF_8)));
  }

  private static RaftPeer peer(StoreMember m) {
    return RaftPeer.newBuilder().setId(m.name())
        .setAddress(m.raftAddress().getHostString() + ":" + m.raftAddress().getPort()).build();
  }

  /** Ratis settings chosen for a JVM on a small machine; see README "Store timings". */
  static RaftProperties serverProperties(StoreConfig c) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(c.dataDir().resolve("raft").toFile()));
    StoreMember me = c.selfMember();
    GrpcConfigKeys.Server.setHost(p, me.raftAddress().getHostString());
    GrpcConfigKeys.Server.setPort(p, me.raftAddress().getPort());
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(c.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(c.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, ms(c.electionTimeoutMin().toMillis()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, ms(c.electionTimeoutMax().toMillis()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms(Math.max(3000, c.electionTimeoutMax().toMillis() * 3)));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, ms(c.electionTimeoutMax().toMillis() * 2));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(p, ms(REQUEST_TIMEOUT_MS));
    // The leader answers ReadIndex from its lease (it heard a majority within 0.9 x the minimum election
    // timeout, measured on its monotonic clock) instead of a heartbeat round per read batch.
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // Snapshots also come when the log since the last one reaches half its size (KvStateMachine); each one lets
    // Ratis drop the closed log segments it covers, and a restart reads every segment left, the part below the
    // snapshot included. A purge is cheap (whole files), so any snapshot may purge, and segments are 4 MB (a
    // restart read a 32 MB segment's 8 MB of already-snapshotted entries in 4.5-7.5 s on a loaded machine); an
    // entry larger than a segment (a batch is at most the largest request + BATCH_HEADROOM_BYTES) still goes into one segment of its own.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, 1);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("4MB"));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("9MB"));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("8MB"));
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, appenderRetryPolicy(c));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    // no extra "commit index" entries in the log: they cost an append + fsync each on every member
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    return p;
  }

  /**
   * How long the leader's appender to one follower sleeps after its n-th consecutive failure. Ratis' default
   * ({@code 1ms,10, 1s,20, 5s,1000}) sleeps 5 s per attempt once a follower has been unreachable for ~20 s, and
   * the first replies of a restarted follower (INCONSISTENCY while it finds the match index) count as failures
   * too: a member restarted after a minute away heard nothing for 5 s at a time, timed out again and again, and
   * rejoined after 57-109 s. Here the attempts continue every ~half minimum election timeout (randomised
   * 0.5-1.5x by Ratis), which on loopback or a LAN costs one refused connect or one small RPC per attempt.
   */
  static String appenderRetryPolicy(StoreConfig c) {
    long steady = Math.max(50, c.electionTimeoutMin().toMillis() / 2);
    return "1ms,10, 50ms,20, " + steady + "ms,100000000";
  }

  private static TimeDuration ms(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }

  public void start() throws IOException {
    boolean fresh = isFreshStorage();
    server.start();
    crashWatch.start();
    if (fresh) watchRejoin();
    LeaderPathWarmup.startOnce(config.self(), config.selfMember().raftAddress().getHostString(),
        config.dataDir().resolve("leader-warmup"), serverProperties(config));
    LOG.info("{}: raft member started on {} (group {})", config.self(), config.selfMember().raftAddress(),
        group.getGroupId());
  }

  private boolean isFreshStorage() {
    java.io.File dir = config.dataDir().resolve("raft").toFile();
    String[] entries = dir.list();
    return entries == null || entries.length == 0;
  }

  /**
   * A member that starts with empty storage (new, or wiped after losing its disk) in a group whose
   * leader already remembers how far it had replicated to it would never be sent the snapshot it
   * needs: the leader keeps resuming from the old match index. If nothing has been applied a few
   * election timeouts after a leader is known, ask that leader to hand over to another member; the new
   * leader starts with no match index for us and installs its snapshot.
   */
  private void watchRejoin() {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long wait = config.electionTimeoutMax().toMillis() * 5;
      try {
        Thread.sleep(wait); // one check per interval, not a condition stand-in: this is the retry period
        while (System.nanoTime() < deadline && !closed) {
          Optional<String> leader = leader();
          if (appliedIndex() >= 0) return;
          if (leader.isPresent() && !leader.get().equals(config.self())) {
            Optional<String> target = config.members().stream().map(StoreMember::name)
                .filter(n -> !n.equals(config.self()) && !n.equals(leader.get())).findFirst();
            if (target.isPresent()) {
              LOG.warn("{}: started with empty storage and {} sent nothing; asking it to hand over to {}",
                  config.self(), leader.get(), target.get());
              try {
                transferLeadership(target.get(), config.electionTimeoutMax().toMillis() * 4);
              } catch (IOException | RuntimeException e) {
                LOG.info("{}: leadership hand-over not done yet: {}", config.self(), e.toString());
              }
            }
          }
          Thread.sleep(wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, config.self() + "-rejoin");
    t.setDaemon(true);
    t.start();
  }

  public KvStateMachine stateMachine() {
    return stateMachine;
  }

  private DivisionInfo info() {
    return division().getInfo();
  }

  public boolean isLeader() {
    DivisionInfo i = info();
    return i.isLeader() && i.isLeaderReady();
  }

  public Optional<String> leader() {
    RaftPeerId id = info().getLeaderId();
    return id == null ? Optional.empty() : Optional.of(id.toString());
  }

  /**
   * Milliseconds since this member last had evidence that a majority of the group is reachable: on the leader the
   * age of the freshest reply from enough followers to form a majority with itself; on a follower the age of the
   * last RPC from its leader or a candidate; on a candidate the time since it last heard a leader;
   * {@link Long#MAX_VALUE} on a stopped member. Reads Ratis' role info, cheap enough to poll every few tens of
   * milliseconds.
   */
  public long quorumContactAgeMillis() {
    RoleInfoProto role;
    try {
      role = server.getDivision(group.getGroupId()).getInfo().getRoleInfoProto();
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
    int voters = group.getPeers().size();
    switch (role.getRole()) {
      case LEADER -> {
        int needed = voters / 2; // followers needed besides this leader for a majority
        if (needed == 0) return 0;
        long[] ages = role.getLeaderInfo().getFollowerInfoList().stream()
            .mapToLong(f -> f.getLastRpcElapsedTimeMs()).sorted().toArray();
        long followers = ages.length < needed ? Long.MAX_VALUE : ages[needed - 1];
        // A majority voted for this leader when it won: that is contact. Ratis starts a new leader's follower
        // ages at its max election timeout, so until the first append round-trips they would read as "cut off"
        // and a leader that just took over (e.g. by a planned hand-over) would leave the VIP race for nothing.
        return Math.min(followers, role.getRoleElapsedTimeMs());
      }
      case FOLLOWER -> {
        // updated by appends and by vote requests: during an election on the majority side it stays fresh
        return role.hasFollowerInfo() ? role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs()
            : Long.MAX_VALUE;
      }
      case CANDIDATE -> {
        return role.getCandidateInfo().getLastLeaderElapsedTimeMs();
      }
      default -> {
        return Long.MAX_VALUE;
      }
    }
  }

  public long term() {
    return info().getCurrentTerm();
  }

  public long appliedIndex() {
    return info().getLastAppliedIndex();
  }

  public long commitIndex() {
    try {
      return server.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Replicates a command; completes with the response bytes or a StoreException. The leader submits
   * to its own server in-process (no RPC hop); a follower forwards to the leader it knows. Writes that
   * were refused cleanly (nothing appended) or found no leader are routed again until the deadline.
   */
  public CompletableFuture<ByteString> write(Op op, MessageLite request) {
    return batcher.submit(Codec.commandBytes(op, request)).handle((bytes, err) -> {
      if (err != null) throw new CompletionException(translate(err));
      return Codec.reply(bytes);
    });
  }

  /** Replicates one command (a write or a batch of them); completes with its reply bytes. */
  private CompletableFuture<byte[]> replicate(byte[] command) {
    Attempt a = new Attempt(command, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS));
    route(a);
    return a.reply.orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * One command on its way into the log. Once it has been submitted to Ratis under a call id, only that call id
   * may carry it again (to whichever member leads by then): the retry cache of the leader that has the entry
   * answers a repeat from it, so the command is applied at most once.
   */
  private static final class Attempt {
    final byte[] command;
    final Message message;
    final long deadline;
    final CompletableFuture<byte[]> reply = new CompletableFuture<>();
    /** The Ratis call id it was submitted under; 0 while it has not been submitted to Ratis. */
    long callId;

    Attempt(byte[] command, long deadline) {
      this.command = command;
      this.message = Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations
          .unsafeWrap(command));
      this.deadline = deadline;
    }
  }

  /**
   * Sends a command on: the leader submits it to its own server in-process; a follower forwards it to the leader's
   * write queue ({@link ForwardRpc}), unless it was already submitted to Ratis here (this member led then), in
   * which case the same call id goes to the new leader. No leader known, a refusal, or a call that never left: the
   * command is routed again after {@value #REROUTE_MS} ms, until its deadline.
   */
  private void route(Attempt a) {
    if (a.reply.isDone()) return;
    if (closed) {
      a.reply.completeExceptionally(new StoreException(StoreException.Kind.STOPPED, "raft member is closing"));
      return;
    }
    DivisionInfo i;
    try {
      i = info();
    } catch (StoreException e) {
      a.reply.completeExceptionally(e);
      return;
    }
    RaftPeerId leader = i.getLeaderId();
    if (i.isLeader()) {
      if (a.callId == 0) a.callId = writeCallId.incrementAndGet();
      CompletableFuture<RaftClientReply> local;
      try {
        local = server.submitClientRequestAsync(writeRequest(a, self));
      } catch (IOException e) { // refused before reaching the log (e.g. the division is not running)
        reroute(a, e);
        return;
      }
      local.whenComplete((r, err) -> onRatisReply(a, r, err));
    } else if (leader == null || leader.equals(self) || !leaderChannels.containsKey(leader)) {
      reroute(a, new StoreException(StoreException.Kind.NO_LEADER));
    } else if (a.callId != 0) {
      org.apache.ratis.client.RaftClientRpc rpc = clients[0].getClientRpc();
      rpc.sendRequestAsyncUnordered(writeRequest(a, leader)).whenComplete((r, err) -> {
        if (err != null || !r.isSuccess()) {
          // as Ratis' own client does: after a failure or a refusal its stream to that member is closed, so the
          // next request must get a new one
          rpc.handleException(leader, err != null ? err : r.getException(), true);
        }
        onRatisReply(a, r, err);
      });
    } else {
      ForwardRpc.send(leaderChannels.get(leader), a.command, a.deadline).whenComplete((bytes, err) -> {
        if (err == null) {
          a.reply.complete(bytes);
        } else if (unwrap(err) instanceof ForwardRpc.Failure f && !f.mayHaveActed()) {
          reroute(a, err);
        } else {
          a.reply.completeExceptionally(forwardFailure(unwrap(err)));
        }
      });
    }
  }

  /**
   * A Ratis answer to a command submitted under its call id. Not the leader (before or after appending), not ready,
   * stepping down, or no answer at all: the same call id goes again to the member that leads by then.
   */
  private void onRatisReply(Attempt a, RaftClientReply r, Throwable err) {
    if (err != null) {
      reroute(a, err);
    } else if (r.isSuccess()) {
      a.reply.complete(r.getMessage().getContent().toByteArray());
    } else if (r.getNotLeaderException() != null || r.getLeaderNotReadyException() != null
        || r.getException() instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException) {
      reroute(a, r.getException());
    } else {
      a.reply.completeExceptionally(r.getException());
    }
  }

  /** A forward whose outcome is unknown, as etcd reports it: the leader changed, or the request timed out. */
  private static StoreException forwardFailure(Throwable t) {
    if (t instanceof ForwardRpc.Failure f && f.status().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
      return new StoreException(StoreException.Kind.TIMEOUT);
    }
    if (t instanceof ForwardRpc.Failure f && f.status().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT) {
      return new StoreException(StoreException.Kind.CORRUPT, "the leader refused a forwarded write: "
          + f.status().getDescription());
    }
    return new StoreException(StoreException.Kind.LEADER_CHANGED);
  }

  private void reroute(Attempt a, Throwable why) {
    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REROUTE_MS) >= a.deadline || closed) {
      a.reply.completeExceptionally(why != null ? why : new StoreException(StoreException.Kind.NO_LEADER));
      return;
    }
    try {
      rerouteTimer.schedule(() -> route(a), REROUTE_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      a.reply.completeExceptionally(new StoreException(StoreException.Kind.STOPPED, "raft member is closing"));
    }
  }

  private RaftClientRequest writeRequest(Attempt a, RaftPeerId to) {
    return RaftClientRequest.newBuilder()
        .setClientId(writerId)
        .setServerId(to)
        .setGroupId(group.getGroupId())
        .setCallId(a.callId)
        .setMessage(a.message)
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  /**
   * The leader's side of {@link ForwardRpc}: the forwarded writes join this member's write queue, so they share log
   * entries with everything else waiting here; the answer has the shape of the command's own reply. A member that
   * does not lead refuses (the sender routes again), and only write commands are accepted.
   */
  private CompletableFuture<byte[]> acceptForwarded(byte[] command) {
    if (!info().isLeader()) throw new StoreException(StoreException.Kind.NO_LEADER);
    boolean batch = command.length > 0 && command[0] == Op.BATCH.ordinal();
    List<byte[]> commands;
    try {
      commands = batch ? Codec.unbatch(command, 1) : List.of(command);
      for (byte[] c : commands) {
        if (c.length == 0 || !Op.of(c[0]).isWrite()) throw new IllegalArgumentException("not a write command");
      }
    } catch (RuntimeException e) { // a torn batch, an unknown op, a read
      throw new StoreException(StoreException.Kind.CORRUPT, "bad forwarded command: " + e.getMessage());
    }
    List<CompletableFuture<byte[]>> replies = batcher.submitAll(commands);
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).handle((v, ignored) -> {
      List<byte[]> parts = new java.util.ArrayList<>(replies.size());
      for (CompletableFuture<byte[]> f : replies) {
        try {
          parts.add(f.join());
        } catch (java.util.concurrent.CancellationException | CompletionException e) {
          parts.add(Codec.error(translate(e)).getContent().toByteArray());
        }
      }
      return batch ? Codec.replies(parts) : parts.get(0);
    });
  }

  /**
   * The members' own services, served on the store's client port and not part of etcd's API: the forwarding of
   * writes this member answers as leader, and its last log entry for {@link LeaderCrashWatch}.
   */
  public List<io.grpc.ServerServiceDefinition> internalServices() {
    return List.of(ForwardRpc.service(this::acceptForwarded),
        LeaderCrashWatch.service(() -> division().getRaftLog().getLastEntryTermIndex()));
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new StoreException(StoreException.Kind.STOPPED, "raft member is not running");
    }
  }

  private LeaderCrashWatch.View crashWatchView() {
    RaftServer.Division d = division();
    DivisionInfo i = d.getInfo();
    return new LeaderCrashWatch.View(i.isFollower(), i.getLeaderId(), i.getCurrentTerm(),
        d.getRaftLog().getLastEntryTermIndex());
  }

  /**
   * Makes this follower a candidate at once, through the request a leader sends the target of a hand-over
   * (Ratis' startLeaderElection), given in the name of the leader whose process is gone. Ratis accepts it only
   * while that member still leads our current term and our log is at least {@code lastEntry}; false otherwise.
   */
  private boolean startElectionNow(RaftPeerId failedLeader, org.apache.ratis.server.protocol.TermIndex lastEntry) {
    if (closed || lastEntry == null) return false;
    for (RaftPeer p : group.getPeers()) { // a channel to a member that was down may sit in gRPC's reconnect backoff
      if (!p.getId().equals(self)) {
        server.getServerRpc().handleException(p.getId(), new IOException("reconnect before an early election"), true);
      }
    }
    org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto request =
        org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto.newBuilder()
            .setServerRequest(org.apache.ratis.client.impl.ClientProtoUtils.toRaftRpcRequestProtoBuilder(
                org.apache.ratis.protocol.RaftGroupMemberId.valueOf(failedLeader, group.getGroupId()), self))
            .setLeaderLastEntry(lastEntry.toProto())
            .build();
    try {
      return server.startLeaderElection(request).getServerReply().getSuccess();
    } catch (IOException | RuntimeException e) {
      LOG.info("{}: early election refused: {}", config.self(), e.toString());
      return false;
    }
  }

  /** A read that failed because the leadership is changing hands; another attempt soon will find the new leader. */
  private static boolean leadershipChanging(Throwable err) {
    Throwable t = unwrap(err);
    return t instanceof StoreException se && se.kind() == StoreException.Kind.NO_LEADER
        || t instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
        || t instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
        || t instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException
        || t instanceof org.apache.ratis.protocol.exceptions.ReadIndexException
        || t instanceof org.apache.ratis.protocol.exceptions.ReadException
        || t instanceof org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
  }

  /**
   * A linearizable read: waits for a ReadIndex round on this member shared with the reads that arrived meanwhile
   * ({@link ReadIndexBatcher}), then runs {@code read} on the local state machine. If this member's round fails
   * (e.g. it knows no leader), the read goes to the leader through a client and its reply is decoded by
   * {@code parser}.
   */
  public <T> CompletableFuture<T> linearizableRead(Op op, MessageLite request, Function<MvccStore, T> read,
      Parser<T> parser) {
    CompletableFuture<T> result = new CompletableFuture<>();
    retryingRead(() -> reads.await().handle((ready, err) -> err == null
        ? CompletableFuture.completedFuture(stateMachine.read(read))
        : readAtLeader(op, request).thenApply(b -> parse(parser, b)))
        .thenCompose(f -> f), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS), result);
    return result;
  }

  /**
   * Runs read attempts until one succeeds, fails for another reason than a change of leader (a hand-over, an
   * election), or the deadline is near. Reads change nothing, so trying again is always safe.
   */
  private <T> void retryingRead(java.util.function.Supplier<CompletableFuture<T>> attempt, long deadline,
      CompletableFuture<T> result) {
    attempt.get().whenComplete((v, err) -> {
      if (err == null) {
        result.complete(v);
        return;
      }
      if (leadershipChanging(err) && !closed
          && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REROUTE_MS) < deadline) {
        try {
          rerouteTimer.schedule(() -> retryingRead(attempt, deadline, result), REROUTE_MS, TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closing: report this attempt's failure
        }
      }
      result.completeExceptionally(new CompletionException(translate(err)));
    });
  }

  /** One ReadIndex round: completes once this member has applied up to a read index obtained now. */
  private CompletableFuture<RaftClientReply> readIndexRound() {
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(readRequest(READ_INDEX));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    // bounded, so that a round Ratis never answers cannot hold up every later read of this member
    return reply.orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).thenApply(r -> {
      if (!r.isSuccess()) throw new CompletionException(r.getException());
      return r;
    });
  }

  /** A read through a client to the leader; fails with Ratis' own exception, for {@link #retryingRead}. */
  private CompletableFuture<ByteString> readAtLeader(Op op, MessageLite request) {
    RaftClient c = clients[Math.floorMod(nextClient.getAndIncrement(), CLIENTS)];
    return c.async().sendReadOnly(Codec.command(op, request)).orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .thenApply(r -> {
          if (!r.isSuccess()) throw new CompletionException(r.getException());
          return Codec.reply(r.getMessage().getContent());
        });
  }

  private RaftClientRequest readRequest(Message msg) {
    return RaftClientRequest.newBuilder()
        .setClientId(readerId)
        .setServerId(self)
        .setGroupId(group.getGroupId())
        .setCallId(readCallId.incrementAndGet())
        .setMessage(msg)
        .setType(RaftClientRequest.readRequestType())
        .build();
  }

  private static <T> T parse(Parser<T> parser, ByteString bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException(StoreException.Kind.CORRUPT, "bad store reply: " + e.getMessage());
    }
  }

  private static Throwable unwrap(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static StoreException translate(Throwable err) {
    Throwable t = unwrap(err);
    if (t instanceof StoreException se) return se;
    if (t instanceof TimeoutException) return new StoreException(StoreException.Kind.TIMEOUT);
    if (t instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
        || t instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException) {
      return new StoreException(StoreException.Kind.NO_LEADER);
    }
    if (t instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
      return new StoreException(StoreException.Kind.STOPPED, "server stopping");
    }
    LOG.warn("store request failed: {}", t.toString()); // not a leadership change or timeout we know of
    LOG.debug("store request failed", t);
    return new StoreException(StoreException.Kind.TIMEOUT, String.valueOf(t));
  }

  /** Asks Ratis to move leadership to {@code target} (etcd's MoveLeader). */
  /**
   * If this member leads, hands leadership to the follower it heard from most recently, as etcd's leader does on a
   * graceful stop: the others then get a leader at once instead of after an election timeout. Returns whether the
   * leadership moved; never throws (a member that cannot hand over simply stops, and the others elect).
   */
  public boolean handOverLeadership(long timeoutMs) {
    RoleInfoProto role;
    try {
      role = server.getDivision(group.getGroupId()).getInfo().getRoleInfoProto();
    } catch (IOException | RuntimeException e) {
      return false;
    }
    if (!role.hasLeaderInfo() || role.getLeaderInfo().getFollowerInfoCount() == 0) {
      return false;
    }
    String target = role.getLeaderInfo().getFollowerInfoList().stream()
        .min(java.util.Comparator.comparingLong(f -> f.getLastRpcElapsedTimeMs()))
        .map(f -> f.getId().getId().toStringUtf8()).orElseThrow();
    try {
      transferLeadership(target, timeoutMs);
      LOG.info("{}: handed the store leadership over to {}", config.self(), target);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: could not hand the store leadership over to {}: {}", config.self(), target, e.toString());
      return false;
    }
  }

  public void transferLeadership(String target, long timeoutMs) throws IOException {
    RaftClientReply r = clients[0].admin().transferLeadership(RaftPeerId.valueOf(target), timeoutMs);
    if (!r.isSuccess()) throw new IOException("transfer leadership failed: " + r.getException());
  }

  @Override
  public void close() {
    closed = true;
    crashWatch.close();
    rerouteTimer.shutdownNow();
    for (io.grpc.ManagedChannel c : leaderChannels.values()) c.shutdownNow();
    for (RaftClient c : clients) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing raft client", e);
      }
    }
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: closing raft server", config.self(), e);
    }
  }
}

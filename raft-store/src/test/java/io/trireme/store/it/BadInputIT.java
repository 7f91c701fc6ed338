package io.trireme.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.trireme.store.InJvmCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad requests get etcd's error in gRPC's shape and change nothing (same revision, same hash on every
 * member); garbage on the socket and hundreds of watch streams leave the server working and leak-free.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final int MIB = 1024 * 1024;

  private InJvmCluster cluster;
  private StoreClient[] clients;
  private int leader;
  private long compactedAt;

  /** What must not change: the revision and HashKV of every member. */
  record State(long revision, List<Integer> hashes) {}

  @BeforeAll
  void startCluster() throws IOException {
    cluster = Timing.cluster(10_000);
    leader = cluster.awaitLeader();
    clients = new StoreClient[3];
    for (int i = 0; i < 3; i++) clients[i] = new StoreClient(cluster.channel(i));
    for (int n = 0; n < 20; n++) clients[leader].putRetrying("/bad/k" + (n % 7), "v" + n);
    compactedAt = clients[leader].putRetrying("/bad/k0", "compact-here").getHeader().getRevision();
    clients[leader].kv().compact(CompactionRequest.newBuilder().setRevision(compactedAt).build());
    clients[leader].putRetrying("/bad/k1", "after-compaction");
  }

  @AfterAll
  void stopCluster() throws IOException {
    cluster.close();
  }

  private State state() {
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.running().stream()
        .mapToLong(i -> cluster.server(i).revision()).distinct().count() == 1);
    long rev = cluster.server(leader).revision();
    List<Integer> hashes = cluster.running().stream().map(i -> clients[i].hashKv(rev).getHash()).toList();
    assertThat(hashes.stream().distinct()).as("HashKV equal on every member").hasSize(1);
    return new State(rev, hashes);
  }

  private static void assertError(Supplier<?> call, Status.Code code, String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::get);
    assertThat(e).as("expected %s %s", code, message).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    if (message != null) assertThat(e.getStatus().getDescription()).isEqualTo(message);
  }

  private static PutRequest put(String key, int valueBytes) {
    return PutRequest.newBuilder().setKey(StoreClient.bytes(key))
        .setValue(ByteString.copyFrom(new byte[valueBytes])).build();
  }

  @Test
  void oversizedPuts_areRefused_storeUnchanged() {
    State before = state();
    for (StoreClient c : List.of(clients[leader], clients[(leader + 1) % 3])) {
      assertError(() -> c.kv().put(put("/bad/big", (int) (1.6 * MIB))), Status.Code.INVALID_ARGUMENT,
          "etcdserver: request is too large");
      assertError(() -> c.kv().put(put("/bad/huge", 3 * MIB)), Status.Code.RESOURCE_EXHAUSTED, null);
      assertError(() -> c.kv().txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
          .setRequestPut(put("/bad/big", (int) (1.6 * MIB)))).build()), Status.Code.INVALID_ARGUMENT,
          "etcdserver: request is too large");
    }
    assertThat(state()).isEqualTo(before);
    assertThat(clients[leader].createOnceRetrying("/bad/after-big", "ok").getModRevision())
        .isEqualTo(before.revision() + 1);
  }

  @Test
  void emptyKeys_areRefused_storeUnchanged() {
    State before = state();
    StoreClient c = clients[(leader + 1) % 3];
    String noKey = "etcdserver: key is not provided";
    assertError(() -> c.kv().put(PutRequest.newBuilder().setValue(StoreClient.bytes("v")).build()),
        Status.Code.INVALID_ARGUMENT, noKey);
    assertError(() -> c.kv().range(RangeRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, noKey);
    assertError(() -> c.kv().range(RangeRequest.newBuilder().setSerializable(true).build()),
        Status.Code.INVALID_ARGUMENT, noKey);
    assertError(() -> c.kv().deleteRange(DeleteRangeRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, noKey);
    assertError(() -> c.kv().txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setValue(StoreClient.bytes("v")))).build()),
        Status.Code.INVALID_ARGUMENT, noKey);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void txnWith129Ops_isRefused_storeUnchanged() {
    State before = state();
    TxnRequest.Builder puts = TxnRequest.newBuilder();
    TxnRequest.Builder compares = TxnRequest.newBuilder();
    for (int i = 0; i < 129; i++) {
      puts.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
          .setKey(StoreClient.bytes("/bad/txn/" + i)).setValue(StoreClient.bytes("v"))));
      compares.addCompare(Compare.newBuilder().setKey(StoreClient.bytes("/bad/txn/" + i))
          .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.EQUAL).setVersion(0));
    }
    for (TxnRequest t : List.of(puts.build(), compares.build())) {
      assertError(() -> clients[leader].kv().txn(t), Status.Code.INVALID_ARGUMENT,
          "etcdserver: too many operations in txn request");
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void rangesAtFutureOrCompactedRevisions_areRefused_storeUnchanged() {
    State before = state();
    for (StoreClient c : List.of(clients[leader], clients[(leader + 1) % 3])) {
      for (boolean serializable : new boolean[] {true, false}) {
        assertError(() -> c.kv().range(RangeRequest.newBuilder().setKey(StoreClient.bytes("/bad/k1"))
            .setRevision(before.revision() + 1000).setSerializable(serializable).build()),
            Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
        assertError(() -> c.kv().range(RangeRequest.newBuilder().setKey(StoreClient.bytes("/bad/k1"))
            .setRevision(compactedAt - 1).setSerializable(serializable).build()),
            Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
      }
    }
    assertError(() -> clients[leader].kv().compact(CompactionRequest.newBuilder().setRevision(compactedAt - 1).build()),
        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
    assertError(() -> clients[leader].kv().compact(CompactionRequest.newBuilder()
        .setRevision(before.revision() + 1000).build()),
        Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void unknownLeases_keepAliveAnswersTtlZero_revokeIsNotFound_storeUnchanged() {
    State before = state();
    long unknown = 0x7e57_1ea5eL;
    List<LeaseKeepAliveResponse> answers = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    StreamObserver<LeaseKeepAliveRequest> stream = LeaseGrpc.newStub(clients[(leader + 1) % 3].channel())
        .leaseKeepAlive(new StreamObserver<>() {
          @Override
          public void onNext(LeaseKeepAliveResponse r) {
            answers.add(r);
          }

          @Override
          public void onError(Throwable t) {
            errors.add(t);
          }

          @Override
          public void onCompleted() { }
        });
    stream.onNext(LeaseKeepAliveRequest.newBuilder().setID(unknown).build());
    await().atMost(Duration.ofSeconds(15)).until(() -> !answers.isEmpty() || !errors.isEmpty());
    assertThat(errors).isEmpty();
    assertThat(answers.get(0).getID()).isEqualTo(unknown);
    assertThat(answers.get(0).getTTL()).isZero();
    stream.onCompleted();

    assertError(() -> clients[leader].lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(unknown).build()),
        Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
    assertError(() -> clients[leader].kv().put(PutRequest.newBuilder().setKey(StoreClient.bytes("/bad/leased"))
        .setValue(StoreClient.bytes("v")).setLease(unknown).build()),
        Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
    assertThat(state()).isEqualTo(before);
  }

  /** The members' own write hop is on the client port too: what a stranger sends there changes nothing. */
  @Test
  void garbageToTheMembersForwardingMethod_isRefused_storeUnchanged() {
    State before = state();
    io.grpc.MethodDescriptor<byte[], byte[]> forward = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("trireme.store.internal.Forward/Write")
        .setRequestMarshaller(io.trireme.store.RawBytes.MARSHALLER)
        .setResponseMarshaller(io.trireme.store.RawBytes.MARSHALLER).build();
    ManagedChannel toLeader = cluster.channel(leader);
    byte[] range = concat(new byte[] {7}, RangeRequest.newBuilder().setKey(StoreClient.bytes("/bad/k1")).build()
        .toByteArray()); // op 7 is a read: not a write command
    byte[] tornBatch = {9, 0, 0, 0, 50, 0}; // a batch whose first part claims 50 bytes
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    random[0] = (byte) 200; // no such op
    for (byte[] garbage : List.of(new byte[0], range, tornBatch, random)) {
      assertError(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(toLeader, forward,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS), garbage),
          Status.Code.INVALID_ARGUMENT, null);
    }
    int follower = (leader + 1) % 3;
    assertError(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(cluster.channel(follower), forward,
        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS), random),
        Status.Code.FAILED_PRECONDITION, "trireme: not the leader");
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void garbageOnTheGrpcPort_serverSurvives() throws IOException {
    State before = state();
    InetSocketAddress port = cluster.member(leader).clientAddress();
    byte[] random = new byte[64 * 1024];
    new Random(42).nextBytes(random);
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] badFrame = new byte[] {0, 0, 8, (byte) 0xff, 0x7f, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
    List<byte[]> payloads = List.of(random,
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        concat(preface, badFrame), concat(preface, random), new byte[] {0});
    for (byte[] p : payloads) {
      try (Socket s = new Socket()) {
        s.connect(port, 5000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        try {
          out.write(p);
          out.flush();
          drain(s.getInputStream());
        } catch (IOException e) {
          // the server may reset the connection while we still write: that is a fine answer to garbage
        }
      }
    }
    assertThat(state()).isEqualTo(before);
    assertThat(clients[leader].createOnceRetrying("/bad/after-garbage", "ok").getModRevision())
        .isEqualTo(before.revision() + 1);
  }

  @Test
  void hundredsOfWatchStreams_openedAndClosed_leaveNoWatcherBehind() {
    int member = (leader + 1) % 3;
    int baseline = cluster.watcherCount(member);
    ManagedChannel shared = clients[member].channel();
    List<ManagedChannel> own = new ArrayList<>();
    for (int i = 0; i < 10; i++) own.add(cluster.channel(member));
    AtomicInteger created = new AtomicInteger();
    List<ClientCallStreamObserver<WatchRequest>> streams = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ManagedChannel ch = i < 200 ? shared : own.get((i - 200) / 10);
      List<ClientCallStreamObserver<WatchRequest>> holder = new ArrayList<>(1);
      WatchGrpc.newStub(ch).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> s) {
          holder.add(s);
        }

        @Override
        public void onNext(WatchResponse r) {
          if (r.getCreated() && !r.getCanceled()) created.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onCompleted() { }
      });
      holder.get(0).onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(StoreClient.bytes("/bad/w/" + i))).build());
      streams.add(holder.get(0));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> created.get() == 300);
    assertThat(cluster.watcherCount(member)).isEqualTo(baseline + 300);

    // Close them three ways: client cancel, client half-close, and the connection simply going away.
    for (int i = 0; i < 100; i++) streams.get(i).cancel("test closes the stream", null);
    for (int i = 100; i < 200; i++) streams.get(i).onCompleted();
    own.forEach(ManagedChannel::shutdownNow);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.watcherCount(member) == baseline);

    // The member still serves writes and watches.
    WatchRecorder after = new WatchRecorder("watch after the storm", "/bad/w/");
    after.open(shared, 0);
    await().atMost(Duration.ofSeconds(10)).until(after::isCreated);
    long rev = clients[member].createOnceRetrying("/bad/w/after", "ok").getModRevision();
    await().atMost(Duration.ofSeconds(10)).until(() -> after.lastRevision() == rev);
    after.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.watcherCount(member) == baseline);
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0 && total < MIB; ) total += n;
    } catch (SocketTimeoutException e) {
      // the server kept the connection open without answering: also acceptable
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

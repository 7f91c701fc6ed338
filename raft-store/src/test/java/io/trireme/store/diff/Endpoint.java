package io.trireme.store.diff;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * One etcd v3 server (real etcd or Trireme) seen through jetcd's grpc stubs; every call returns a
 * normalised one-line text of the response or of the gRPC error, so two servers compare as strings.
 */
final class Endpoint {
  private static final long DEADLINE_S = 20;
  private final String name;
  private final ManagedChannel channel;

  Endpoint(String name, ManagedChannel channel) {
    this.name = name;
    this.channel = channel;
  }

  String name() {
    return name;
  }

  KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
  }

  LeaseGrpc.LeaseBlockingStub lease() {
    return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
  }

  /** Runs a unary call: the normalised response, or "ERROR code: description". */
  static String call(Supplier<? extends Message> rpc) {
    try {
      return text(normalise(rpc.get()));
    } catch (StatusRuntimeException e) {
      return error(e.getStatus());
    }
  }

  static String error(Status s) {
    return "ERROR " + s.getCode() + ": " + s.getDescription();
  }

  static String text(Message m) {
    return TextFormat.printer().shortDebugString(m);
  }

  /** Drops the header fields that name the server rather than the data (cluster/member id, raft term). */
  static Message normalise(Message m) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName("header");
    if (f == null || !m.hasField(f)) return m;
    ResponseHeader h = (ResponseHeader) m.getField(f);
    return m.toBuilder().setField(f, h.toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build()).build();
  }

  /**
   * The current revision (a linearizable count-only range). A read is idempotent, so it is retried while
   * the server is unavailable (a loaded machine can push a read past the server's request timeout).
   */
  long revision() {
    RangeRequest all = RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0})).setCountOnly(true).build();
    long[] rev = {0};
    Awaitility.await(name + " revision").atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .ignoreException(StatusRuntimeException.class)
        .until(() -> {
          rev[0] = kv().range(all).getHeader().getRevision();
          return true;
        });
    return rev[0];
  }

  /** True for the errors that say "try again" rather than anything about the request. */
  static boolean transientError(String result) {
    return result.startsWith("ERROR UNAVAILABLE") || result.startsWith("ERROR DEADLINE_EXCEEDED");
  }

  /** LeaseTimeToLive with the remaining TTL reduced to its sign (it depends on the clock). */
  String timeToLive(io.etcd.jetcd.api.LeaseTimeToLiveRequest r) {
    return call(() -> {
      LeaseTimeToLiveResponse t = lease().leaseTimeToLive(r);
      // keys come out of a Go map in etcd: their order is random there, so compare them sorted
      List<ByteString> keys = new ArrayList<>(t.getKeysList());
      keys.sort(ByteString.unsignedLexicographicalComparator());
      return t.toBuilder().setTTL(Long.signum(t.getTTL())).clearKeys().addAllKeys(keys).build();
    });
  }

  /**
   * Opens a watch stream, creates one watch and collects until it is canceled by the server or an event
   * with mod_revision >= {@code untilRev} arrived; then cancels it. Returns the created/canceled
   * responses (header revision kept) and the events, flattened (how events are split over responses is
   * timing, not semantics).
   */
  List<String> watch(WatchCreateRequest create, long untilRev) {
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
      @Override
      public void onNext(WatchResponse r) {
        queue.add(r);
      }

      @Override
      public void onError(Throwable t) {
        queue.add(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        queue.add("completed");
      }
    });
    List<String> out = new ArrayList<>();
    try {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
      long watchId = -1;
      long seen = 0;
      boolean canceled = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
      while (!canceled && seen < untilRev) {
        Object o = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (o == null) {
          out.add("TIMEOUT waiting for revision " + untilRev);
          break;
        }
        if (o instanceof Status s) {
          out.add(error(s));
          return out;
        }
        if (!(o instanceof WatchResponse r)) {
          out.add(String.valueOf(o));
          return out;
        }
        if (r.getCreated() || r.getCanceled() || r.getCompactRevision() != 0) {
          out.add(text(normalise(r.toBuilder().clearEvents().build())));
        }
        if (r.getCreated()) watchId = r.getWatchId();
        canceled = r.getCanceled();
        for (Event e : r.getEventsList()) {
          out.add("event " + text(e));
          seen = Math.max(seen, e.getKv().getModRevision());
        }
      }
      if (!canceled && watchId >= 0) {
        requests.onNext(WatchRequest.newBuilder()
            .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
        while (true) {
          Object o = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (o == null) {
            out.add("TIMEOUT waiting for cancel");
            break;
          }
          if (o instanceof WatchResponse r && r.getCanceled()) {
            out.add("cancel " + text(normalise(r.toBuilder().clearEvents().build())));
            break;
          }
          if (!(o instanceof WatchResponse)) {
            out.add(String.valueOf(o));
            break;
          }
        }
      }
      requests.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.add("interrupted");
    }
    return out;
  }
}

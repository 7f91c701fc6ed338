package io.trireme.store.it;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One client-side watch over a key prefix that records every event it receives. When its stream breaks
 * it can be reopened, possibly on another member, from the revision after the last one it saw, as an
 * etcd client does.
 */
final class WatchRecorder {
  private final String name;
  private final String prefix;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private volatile long lastRevision;
  private volatile long startRevision;
  private volatile boolean open;
  private volatile boolean created;
  private volatile int opens;
  private volatile ClientCallStreamObserver<WatchRequest> requests;

  WatchRecorder(String name, String prefix) {
    this.name = name;
    this.prefix = prefix;
  }

  /** Opens the watch on {@code channel} from {@code fromRevision} (does not wait for "created"). */
  synchronized void open(ManagedChannel channel, long fromRevision) {
    startRevision = fromRevision;
    open = true;
    created = false;
    opens++;
    int generation = opens;
    WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
        requests = stream;
      }

      @Override
      public void onNext(WatchResponse r) {
        if (r.getCreated()) created = true;
        if (r.getCanceled()) {
          problems.add(name + ": watch canceled by the server: " + r.getCancelReason());
          return;
        }
        for (Event e : r.getEventsList()) {
          events.add(e);
          lastRevision = e.getKv().getModRevision();
        }
      }

      @Override
      public void onError(Throwable t) {
        closed(generation);
      }

      @Override
      public void onCompleted() {
        closed(generation);
      }
    });
    requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(StoreClient.bytes(prefix)).setRangeEnd(StoreClient.prefixEnd(prefix))
        .setStartRevision(fromRevision)).build());
  }

  private synchronized void closed(int generation) {
    if (generation == opens) open = false;
  }

  /** Where a client resumes after a break: the revision after the last event seen. */
  long resumeRevision() {
    return lastRevision == 0 ? startRevision : lastRevision + 1;
  }

  /** Reopens on {@code channel} if the stream broke; returns whether it did. */
  synchronized boolean reopenIfBroken(ManagedChannel channel) {
    if (open) return false;
    open(channel, resumeRevision());
    return true;
  }

  boolean isOpen() {
    return open;
  }

  boolean isCreated() {
    return created;
  }

  int opens() {
    return opens;
  }

  long lastRevision() {
    return lastRevision;
  }

  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  synchronized void close() {
    open = false;
    opens++;
    if (requests != null) requests.cancel("test done", null);
  }

  @Override
  public String toString() {
    return name;
  }
}

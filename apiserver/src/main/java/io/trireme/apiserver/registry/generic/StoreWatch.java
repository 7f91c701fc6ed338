package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch of one resource over an etcd watch stream: events from resourceVersion+1 (or the current state as
 * ADDED events first when no resourceVersion / "0" is given), selector transitions as ADDED/DELETED,
 * BOOKMARKs from etcd progress notifications, and 410 Expired when the revision is compacted.
 */
final class StoreWatch {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);

  private final GenericStore store;
  private final EtcdKv kv;
  private final ScheduledExecutorService scheduler;
  private final long bookmarkIntervalMillis;

  StoreWatch(GenericStore store, EtcdKv kv, ScheduledExecutorService scheduler, long bookmarkIntervalMillis) {
    this.store = store;
    this.kv = kv;
    this.scheduler = scheduler;
    this.bookmarkIntervalMillis = bookmarkIntervalMillis;
  }

  AutoCloseable start(String namespace, ListOptions opts, WatchSink sink) {
    Session s = new Session(namespace, opts, sink);
    String rv = opts.resourceVersion();
    if (rv.isEmpty() || rv.equals("0")) {
      ListOptions initial = new ListOptions(opts.labels(), opts.fields(), 0, "", "", "", false, 0);
      store.list(namespace, initial).whenComplete((list, err) -> {
        if (err != null) {
          s.fail(ApiException.of(err));
          return;
        }
        for (JsonNode item : list.get("items")) {
          if (s.closed.get()) {
            return;
          }
          sink.event("ADDED", (ObjectNode) item);
        }
        s.open(Long.parseLong(list.path("metadata").path("resourceVersion").asText()) + 1);
      });
    } else {
      s.open(GenericStore.parseRv(rv) + 1);
    }
    return s;
  }

  private final class Session implements AutoCloseable, StreamObserver<WatchResponse> {
    private final String namespace;
    private final ListOptions opts;
    private final WatchSink sink;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile StreamObserver<WatchRequest> requests;
    private volatile long watchId = -1;
    private volatile ScheduledFuture<?> progress;
    private volatile ScheduledFuture<?> timeout;

    Session(String namespace, ListOptions opts, WatchSink sink) {
      this.namespace = namespace;
      this.opts = opts;
      this.sink = sink;
    }

    synchronized void open(long fromRevision) {
      if (closed.get()) {
        return;
      }
      String prefix = store.info().listPrefix(namespace);
      requests = kv.watch(this);
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix)).setStartRevision(fromRevision)
          .setPrevKv(true)).build());
      if (opts.allowBookmarks()) {
        progress = scheduler.scheduleAtFixedRate(this::requestProgress, bookmarkIntervalMillis,
            bookmarkIntervalMillis, TimeUnit.MILLISECONDS);
      }
      if (opts.timeoutSeconds() > 0) {
        timeout = scheduler.schedule(() -> {
          if (!closed.get()) {
            close();
            sink.end();
          }
        }, opts.timeoutSeconds(), TimeUnit.SECONDS);
      }
    }

    private synchronized void requestProgress() {
      if (!closed.get() && requests != null) {
        requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance())
            .build());
      }
    }

    @Override
    public void onNext(WatchResponse r) {
      if (closed.get()) {
        return;
      }
      if (r.getCreated()) {
        watchId = r.getWatchId();
      }
      if (r.getCompactRevision() > 0) {
        fail(ApiException.expired("too old resource version: " + opts.resourceVersion() + " ("
            + r.getCompactRevision() + ")"));
        return;
      }
      if (r.getCanceled()) {
        fail(ApiException.internal("the store cancelled the watch: " + r.getCancelReason()));
        return;
      }
      if (r.getEventsCount() == 0) {
        if (!r.getCreated() && opts.allowBookmarks()) {
          ObjectNode bookmark = JsonNodeFactory.instance.objectNode();
          bookmark.put("kind", store.info().kind()).put("apiVersion", store.info().apiVersion());
          bookmark.putObject("metadata").put("resourceVersion", Long.toString(r.getHeader().getRevision()));
          sink.event("BOOKMARK", bookmark);
        }
        return;
      }
      for (Event e : r.getEventsList()) {
        deliver(e);
      }
    }

    private void deliver(Event e) {
      ResourceStrategy strategy = store.strategy();
      ObjectNode prev = e.hasPrevKv() && !e.getPrevKv().getKey().isEmpty() ? store.decode(e.getPrevKv()) : null;
      boolean prevMatches = prev != null && opts.matches(strategy, prev);
      if (e.getType() == Event.EventType.DELETE) {
        if (prevMatches) {
          Meta.meta(prev).put("resourceVersion", Long.toString(e.getKv().getModRevision()));
          sink.event("DELETED", prev);
        }
        return;
      }
      ObjectNode cur = store.decode(e.getKv());
      boolean curMatches = opts.matches(strategy, cur);
      if (curMatches && prevMatches) {
        sink.event("MODIFIED", cur);
      } else if (curMatches) {
        sink.event("ADDED", cur);
      } else if (prevMatches) {
        sink.event("DELETED", cur);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!closed.get()) {
        LOG.debug("watch of {} ended by the store: {}", store.info().resource(), t.toString());
        fail(EtcdKv.translate(t));
      }
    }

    @Override
    public void onCompleted() {
      if (closed.compareAndSet(false, true)) {
        cancelTimers();
        sink.end();
      }
    }

    void fail(ApiException e) {
      if (!closed.get()) {
        close();
        sink.error(e);
      }
    }

    private void cancelTimers() {
      if (progress != null) {
        progress.cancel(false);
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
    }

    @Override
    public synchronized void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      cancelTimers();
      if (requests != null) {
        try {
          if (watchId >= 0) {
            requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder()
                .setWatchId(watchId)).build());
          }
          requests.onCompleted();
        } catch (RuntimeException ex) {
          LOG.debug("closing a watch stream failed: {}", ex.toString());
        }
      }
    }
  }
}

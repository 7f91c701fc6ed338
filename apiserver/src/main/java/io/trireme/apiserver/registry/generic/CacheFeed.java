package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store side of a {@link WatchCache}: lists {@code /registry/<resource>/} (in pages, at one revision), then
 * keeps exactly one etcd watch on it from the next revision. An interrupted watch (store restart, leader change,
 * cancellation) is opened again from the revision after the last one delivered, so nothing is skipped or
 * repeated (resuming from the last event, not from a progress report: a resource that has not changed since
 * the store last compacted is listed again after an interruption); if the store has compacted that revision
 * meanwhile the listener is told and the resource is listed again. Progress is requested every
 * {@code progress} and on demand.
 */
final class CacheFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CacheFeed.class);
  private static final int LIST_PAGE = 500;
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** Receives the feed's output, one call at a time, in revision order. */
  interface Listener {
    /** The whole resource as of {@code revision} (keys to decoded objects); changes after it follow. */
    void listed(long revision, Map<String, ObjectNode> state);

    /** A change: the new object, or null when the key was deleted. */
    void changed(String key, long revision, ObjectNode object);

    /** Every change up to {@code revision} has been delivered. */
    void progressed(long revision);

    /** The store compacted past what was delivered; a new {@link #listed} follows. */
    void compacted(long compactRevision);
  }

  private final GenericStore store;
  private final EtcdKv kv;
  private final ScheduledExecutorService scheduler;
  private final Duration progress;
  private final Listener listener;
  private volatile boolean closed;
  private Stream current;
  private long next;
  private long backoff = MIN_BACKOFF_MILLIS;
  private ScheduledFuture<?> progressTask;

  CacheFeed(GenericStore store, EtcdKv kv, ScheduledExecutorService scheduler, Duration progress,
      Listener listener) {
    this.store = store;
    this.kv = kv;
    this.scheduler = scheduler;
    this.progress = progress;
    this.listener = listener;
  }

  synchronized void start() {
    if (progressTask == null) {
      progressTask = scheduler.scheduleAtFixedRate(this::requestProgress, progress.toMillis(),
          progress.toMillis(), TimeUnit.MILLISECONDS);
      list();
    }
  }

  private void list() {
    if (closed) {
      return;
    }
    Map<String, ObjectNode> state = new HashMap<>();
    page("", state).whenComplete((rev, err) -> {
      if (err != null) {
        LOG.warn("watch cache of {}: cannot list ({}); retrying", store.info().resource(),
            ApiException.of(err).getMessage());
        retry(this::list);
        return;
      }
      synchronized (this) {
        listener.listed(rev, state);
        watchFrom(rev + 1);
      }
    });
  }

  /** Reads every object in pages of {@link #LIST_PAGE} at the first page's revision; completes with it. */
  private CompletableFuture<Long> page(String continueToken, Map<String, ObjectNode> state) {
    ListOptions opts = new ListOptions(null, null, LIST_PAGE, continueToken, "", "", false, 0);
    return store.listFromStore("", opts).thenCompose(list -> {
      for (JsonNode item : list.get("items")) {
        ObjectNode o = (ObjectNode) item;
        state.put(store.info().key(Meta.namespace(o), Meta.name(o)), o);
      }
      JsonNode meta = list.path("metadata");
      String cont = meta.path("continue").asText("");
      if (!cont.isEmpty()) {
        return page(cont, state);
      }
      return CompletableFuture.completedFuture(Long.parseLong(meta.path("resourceVersion").asText()));
    });
  }

  private void retry(Runnable r) {
    long delay;
    synchronized (this) {
      delay = backoff;
      backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }
    if (!closed) {
      scheduler.schedule(r, delay, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void watchFrom(long from) {
    if (closed) {
      return;
    }
    next = from;
    String prefix = store.info().keyPrefix();
    Stream s = new Stream();
    current = s;
    s.requests = kv.watch(s);
    s.send(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix)).setStartRevision(from)).build());
  }

  /** Asks the store to report its progress (answered once the watch has delivered everything up to it). */
  void requestProgress() {
    Stream s;
    synchronized (this) {
      s = current;
    }
    if (s != null && s.created) {
      s.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }
  }

  private synchronized void receive(Stream s, WatchResponse r) {
    if (s != current || closed) {
      return;
    }
    if (r.getCompactRevision() > 0) {
      s.end();
      current = null;
      listener.compacted(r.getCompactRevision());
      list();
      return;
    }
    if (r.getCanceled()) {
      interrupted(s, "cancelled: " + r.getCancelReason());
      return;
    }
    if (r.getCreated()) {
      s.created = true;
      backoff = MIN_BACKOFF_MILLIS;
      return;
    }
    if (r.getEventsCount() == 0) {
      // Only reported, never trusted for resuming: etcd before 3.4.25 can send a progress revision ahead of
      // events it has not delivered yet, and skipping those would be a gap.
      listener.progressed(r.getHeader().getRevision());
      return;
    }
    long last = next - 1;
    for (Event e : r.getEventsList()) {
      long rev = e.getKv().getModRevision();
      if (rev < next) {
        continue;
      }
      String key = e.getKv().getKey().toStringUtf8();
      ObjectNode obj = null;
      if (e.getType() != Event.EventType.DELETE) {
        try {
          obj = store.decode(e.getKv());
        } catch (RuntimeException ex) {
          LOG.warn("watch cache of {}: cannot decode {} at revision {}: {}", store.info().resource(), key, rev,
              ex.toString());
          continue;
        }
      }
      listener.changed(key, rev, obj);
      last = Math.max(last, rev);
    }
    next = last + 1;
  }

  private synchronized void interrupted(Stream s, String why) {
    if (s != current || closed) {
      return;
    }
    s.end();
    current = null;
    long from = next;
    LOG.info("watch cache of {}: store watch ended ({}); resuming from revision {}", store.info().resource(), why,
        from);
    retry(() -> watchFrom(from));
  }

  @Override
  public void close() {
    Stream s;
    synchronized (this) {
      closed = true;
      if (progressTask != null) {
        progressTask.cancel(false);
      }
      s = current;
      current = null;
    }
    if (s != null) {
      s.end();
    }
  }

  /** One attempt at the store watch. */
  private final class Stream implements StreamObserver<WatchResponse> {
    private StreamObserver<WatchRequest> requests;
    private volatile boolean created;
    private boolean ended;

    synchronized void send(WatchRequest r) {
      if (!ended) {
        try {
          requests.onNext(r);
        } catch (RuntimeException ex) {
          LOG.debug("watch request failed: {}", ex.toString());
        }
      }
    }

    synchronized void end() {
      if (!ended) {
        ended = true;
        try {
          requests.onCompleted();
        } catch (RuntimeException ex) {
          LOG.debug("closing a watch stream failed: {}", ex.toString());
        }
      }
    }

    @Override
    public void onNext(WatchResponse r) {
      receive(this, r);
    }

    @Override
    public void onError(Throwable t) {
      interrupted(this, EtcdKv.translate(t).getMessage());
    }

    @Override
    public void onCompleted() {
      interrupted(this, "completed by the store");
    }
  }
}

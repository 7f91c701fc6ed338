package io.trireme.store.watch;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchResponse;
import io.trireme.store.mvcc.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All watches of one member. Delivery is ordered, gap-free and duplicate-free because each watcher has
 * exactly one cursor ({@code nextRev}) and every send happens under one lock: live events are sent to
 * watchers whose cursor equals the new revision; a watcher that starts in the past or whose client is
 * slow is "unsynced" and is fed from the store's history by a background task until it catches up
 * (etcd's synced/unsynced watcher groups). That task runs as soon as a watcher falls behind (a signal,
 * not a poll) and, while any watcher stays behind because its client is not ready for more, again every
 * {@value #RETRY_MS} ms.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
  private static final int BATCH_EVENTS = 1000;
  /** Retry period for watchers that are behind because their client was not ready (etcd: 100 ms). */
  static final long RETRY_MS = 20;

  private final Object lock = new Object();
  private final EventSource source;
  private final Set<Watcher> watchers = new LinkedHashSet<>();
  private final ScheduledExecutorService timer;
  private final int maxWatchers;
  /** A sync task is queued or running and will look at every unsynced watcher. */
  private final AtomicBoolean syncQueued = new AtomicBoolean();

  public WatchHub(EventSource source, Duration progressInterval, int maxWatchers, String name) {
    this.source = source;
    this.maxWatchers = maxWatchers;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name + "-watch-sync");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::retryUnsynced, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
    long p = Math.max(1, progressInterval.toMillis());
    timer.scheduleWithFixedDelay(this::notifyProgress, p, p, TimeUnit.MILLISECONDS);
  }

  /**
   * Creates a watcher and sends its "created" response first. {@code startRev} 0 means "from the next
   * revision". A start revision that was compacted away gets a created and then a canceled response
   * carrying the compact revision, as etcd does.
   *
   * @return the watcher, or null if it was refused
   */
  public Watcher create(WatchSink sink, long id, ByteString key, ByteString end, long startRev, boolean prevKv,
      boolean noPut, boolean noDelete, boolean progressNotify) {
    synchronized (lock) {
      if (watchers.size() >= maxWatchers) {
        sink.send(WatchResponse.newBuilder().setHeader(source.header(source.revision())).setWatchId(id)
            .setCreated(true).setCanceled(true).setCancelReason("etcdserver: too many watchers").build());
        return null;
      }
      long rev = source.revision();
      sink.send(WatchResponse.newBuilder().setHeader(source.header(rev)).setWatchId(id).setCreated(true).build());
      long compact = source.compactRevision();
      if (startRev > 0 && startRev < compact) {
        sink.send(compacted(id, compact));
        return null;
      }
      long next = startRev <= 0 ? rev + 1 : startRev;
      Watcher w = new Watcher(id, sink, key, end, next, prevKv, noPut, noDelete, progressNotify);
      w.synced = next > rev;
      watchers.add(w);
      if (!w.synced) requestSync();
      return w;
    }
  }

  private WatchResponse compacted(long id, long compact) {
    // as etcd: no revision in the header and no cancel reason, only the compact revision
    return WatchResponse.newBuilder().setHeader(source.header(0)).setWatchId(id)
        .setCanceled(true).setCompactRevision(compact).build();
  }

  /** Removes a watcher; returns false if it was not there. */
  public boolean cancel(Watcher w) {
    synchronized (lock) {
      w.canceled = true;
      return watchers.remove(w);
    }
  }

  public int size() {
    synchronized (lock) {
      return watchers.size();
    }
  }

  /** The revision up to which every given watcher has been sent everything (for progress requests). */
  public long progressRevision(Collection<Watcher> ws) {
    synchronized (lock) {
      long r = source.revision();
      for (Watcher w : ws) {
        if (!w.canceled) r = Math.min(r, w.nextRev - 1);
      }
      return r;
    }
  }

  /** Called by the state machine, in log order, after revision {@code rev} was committed. */
  public void onCommit(long rev, List<Event> events) {
    boolean fellBehind = false;
    synchronized (lock) {
      for (Watcher w : watchers) {
        if (!w.synced || w.nextRev > rev) continue;
        if (w.nextRev < rev) {
          w.synced = false; // a gap would open: let the history catch it up
          fellBehind = true;
          continue;
        }
        List<Event> mine = null;
        for (Event e : events) {
          Event f = w.filter(e);
          if (f != null) {
            if (mine == null) mine = new ArrayList<>(events.size());
            mine.add(f);
          }
        }
        if (mine == null) {
          w.nextRev = rev + 1;
        } else if (w.sink.trySend(events(w.id, rev, mine))) {
          w.nextRev = rev + 1;
        } else {
          w.synced = false;
          fellBehind = true;
        }
      }
    }
    if (fellBehind) requestSync();
  }

  private WatchResponse events(long id, long rev, List<Event> evs) {
    return WatchResponse.newBuilder().setHeader(source.header(rev)).setWatchId(id).addAllEvents(evs).build();
  }

  /** Queues one sync pass unless one is already queued (it will see this watcher too). */
  private void requestSync() {
    if (!syncQueued.compareAndSet(false, true)) return;
    try {
      timer.execute(() -> {
        syncQueued.set(false);
        syncUnsynced();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      syncQueued.set(false); // closed
    }
  }

  /** The periodic pass: only does work while some watcher is behind. */
  private void retryUnsynced() {
    if (!syncQueued.get()) syncUnsynced();
  }

  void syncUnsynced() {
    try {
      List<Watcher> behind;
      synchronized (lock) {
        behind = watchers.stream().filter(w -> !w.synced).toList();
      }
      for (Watcher w : behind) {
        catchUp(w);
      }
    } catch (RuntimeException e) {
      LOG.warn("watch sync failed", e);
    }
  }

  private void catchUp(Watcher w) {
    synchronized (lock) {
      if (w.canceled || w.synced) return;
      long current = source.revision();
      if (w.nextRev > current) {
        w.synced = true;
        return;
      }
      List<Event> mine = new ArrayList<>();
      int[] seen = {0};
      long next;
      try {
        next = source.readEvents(w.nextRev, BATCH_EVENTS, e -> {
          seen[0]++;
          Event f = w.filter(e);
          if (f != null) mine.add(f);
        });
        if (seen[0] < BATCH_EVENTS) next = Math.max(next, current + 1); // everything up to current was read
      } catch (StoreException e) {
        if (e.kind() != StoreException.Kind.COMPACTED) throw e;
        w.sink.send(compacted(w.id, source.compactRevision()));
        w.canceled = true;
        watchers.remove(w);
        return;
      }
      if (!mine.isEmpty() && !w.sink.trySend(events(w.id, next - 1, mine))) return;
      w.nextRev = next;
      w.synced = next > source.revision();
    }
  }

  void notifyProgress() {
    synchronized (lock) {
      long rev = source.revision();
      for (Watcher w : watchers) {
        if (w.progressNotify && w.synced) {
          w.sink.trySend(WatchResponse.newBuilder().setHeader(source.header(Math.min(rev, w.nextRev - 1)))
              .setWatchId(w.id).build());
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

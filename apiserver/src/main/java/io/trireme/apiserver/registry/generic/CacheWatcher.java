package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.CachedEvent.WatchEvent;
import io.trireme.apiserver.status.ApiException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One client watch fed by a {@link WatchCache}: the cache offers every change (and bookmarks) without ever
 * waiting; the watcher keeps its own filter, a bounded queue, and drains it into the client's sink on a shared
 * executor, one drain at a time, only while the client takes what it is sent. A watcher whose queue is full is
 * closed at once (the client re-watches from the last resourceVersion it saw), so a slow client costs at most
 * {@code capacity} events of memory and never delays the others.
 */
final class CacheWatcher implements AutoCloseable {
  private final String keyPrefix;
  private final Predicate<ObjectNode> filter;
  private final boolean bookmarks;
  private final WatchSink sink;
  private final Executor executor;
  private final int capacity;
  private final Consumer<CacheWatcher> onClose;
  private final ArrayDeque<WatchEvent> queue = new ArrayDeque<>();
  private Iterator<WatchEvent> initial = List.<WatchEvent>of().iterator();
  private ApiException failure;
  private boolean ending;
  private boolean draining;
  private boolean closed;
  private volatile ScheduledFuture<?> timeout;

  CacheWatcher(String keyPrefix, Predicate<ObjectNode> filter, boolean bookmarks, WatchSink sink, Executor executor,
      int capacity, Consumer<CacheWatcher> onClose) {
    this.keyPrefix = keyPrefix;
    this.filter = filter;
    this.bookmarks = bookmarks;
    this.sink = sink;
    this.executor = executor;
    this.capacity = capacity;
    this.onClose = onClose;
  }

  /** The events to send before any offered change (the current state, or the window after a resourceVersion). */
  synchronized void begin(List<WatchEvent> first) {
    sink.started();
    initial = first.iterator();
    schedule();
  }

  void timeoutWith(ScheduledFuture<?> f) {
    timeout = f;
  }

  /** The key prefix this watch covers: the resource's, or one namespace's. */
  String keyPrefix() {
    return keyPrefix;
  }

  /** Whether {@code key} is one this watch covers (its namespace). */
  boolean covers(String key) {
    return key.startsWith(keyPrefix);
  }

  /** Whether an object passes this watch's selectors. */
  boolean matches(ObjectNode o) {
    return filter.test(o);
  }

  /** What this watch sees of a change, or null. */
  WatchEvent view(CachedEvent e) {
    return covers(e.key()) ? e.visibleTo(filter) : null;
  }

  synchronized boolean closed() {
    return closed;
  }

  /** Queues a change; a full queue closes the watch as too slow. Never blocks. */
  void offer(CachedEvent e) {
    WatchEvent v = view(e);
    if (v != null) {
      enqueue(v, true);
    }
  }

  /** Queues a bookmark if the client asked for them and has room for it. */
  void bookmark(WatchEvent b) {
    if (bookmarks) {
      enqueue(b, false);
    }
  }

  private void enqueue(WatchEvent v, boolean required) {
    boolean overflow;
    synchronized (this) {
      if (closed || ending || failure != null) {
        return;
      }
      overflow = queue.size() >= capacity;
      if (!overflow) {
        queue.add(v);
        schedule();
        return;
      }
    }
    if (required) {
      abort();
    }
  }

  /** Ends the watch normally once what is queued is sent ({@code timeoutSeconds}). */
  synchronized void end() {
    ending = true;
    queue.clear();
    schedule();
  }

  /** Sends an ERROR event with {@code e} and ends the watch, dropping what is queued. */
  synchronized void fail(ApiException e) {
    if (failure == null) {
      failure = e;
      queue.clear();
      initial = List.<WatchEvent>of().iterator();
      schedule();
    }
  }

  /** Closes a watch that cannot keep up: its connection goes at once, queued events are dropped. */
  private void abort() {
    close();
    sink.abort();
  }

  private synchronized void schedule() {
    if (!draining && !closed) {
      draining = true;
      executor.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      WatchEvent next = null;
      ApiException failed = null;
      boolean end = false;
      synchronized (this) {
        if (closed) {
          draining = false;
          return;
        }
        if (failure != null) {
          failed = failure;
        } else if (ending) {
          end = true;
        } else if (!sink.writable()) {
          draining = false;
        } else if (initial.hasNext()) {
          next = initial.next();
        } else {
          next = queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
      }
      if (failed != null || end) {
        close();
        if (failed != null) {
          sink.error(failed);
        } else {
          sink.end();
        }
        return;
      }
      if (next == null) {
        sink.onWritable(this::schedule);
        return;
      }
      sink.event(next.type(), next.object(), next.json());
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
    }
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    onClose.accept(this);
  }
}

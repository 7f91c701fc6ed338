package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.api.RangeRequest;
import io.trireme.apiserver.registry.generic.CachedEvent.WatchEvent;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch cache of one resource, as kube-apiserver's Cacher: one store watch on {@code /registry/<resource>/}
 * keeps the current objects and a bounded {@link WatchWindow} of recent changes in memory, and fans every change
 * out to any number of client watches ({@link CacheWatcher}), each filtered by namespace and selectors.
 *
 * <p>Starting points: resourceVersion "0" is the cached state (ADDED events) then changes; unset is the same but
 * only once the cache has caught up with the store's current revision (a consistent start); a resourceVersion
 * {@code rv} replays the window after {@code rv}: 410 Gone when the window no longer reaches back to it or the
 * store has compacted it, and a wait of at most {@code freshWait} when the cache has not reached it yet. The
 * store watch itself ({@link CacheFeed}) resumes after an interruption from the next revision, so clients see no
 * gap and no duplicate; when the store compacted what the cache had not seen, every client watch ends with 410
 * (they relist) and the cache lists afresh.
 */
final class WatchCache implements CacheFeed.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);

  private final GenericStore store;
  private final EtcdKv kv;
  private final WatchCacheConfig config;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final CacheFeed feed;
  private final Map<CacheWatcher, Boolean> watchers = new ConcurrentHashMap<>();
  private final NavigableMap<String, ObjectNode> objects = new TreeMap<>();
  private final NavigableMap<Long, List<CompletableFuture<Long>>> waiters = new TreeMap<>();
  private WatchWindow window;
  private long revision;
  private CompletableFuture<Void> ready = new CompletableFuture<>();

  WatchCache(GenericStore store, EtcdKv kv, WatchCacheConfig config, ScheduledExecutorService scheduler,
      Executor executor) {
    this.store = store;
    this.kv = kv;
    this.config = config;
    this.scheduler = scheduler;
    this.executor = executor;
    this.feed = new CacheFeed(store, kv, scheduler, config.progress(), this);
  }

  /** Lists the resource and opens the store watch (retried until it works). */
  void start() {
    feed.start();
  }

  /** Completes once the first list is in memory. */
  synchronized CompletableFuture<Void> ready() {
    return ready;
  }

  /** The cached object under {@code key} (read-only), if any. */
  synchronized Optional<ObjectNode> object(String key) {
    return Optional.ofNullable(objects.get(key));
  }

  /** How many client watches are open. */
  int watchers() {
    return watchers.size();
  }

  // ---- the store side (CacheFeed calls these, one at a time) ----

  @Override
  public void listed(long listRevision, Map<String, ObjectNode> state) {
    CompletableFuture<Void> done;
    synchronized (this) {
      objects.clear();
      objects.putAll(state);
      window = new WatchWindow(config.window(), listRevision);
      revision = listRevision;
      done = ready;
      releaseWaiters();
    }
    LOG.debug("watch cache of {} listed {} objects at revision {}", store.info().resource(), state.size(),
        listRevision);
    done.complete(null);
  }

  @Override
  public synchronized void changed(String key, long rev, ObjectNode object) {
    ObjectNode previous = objects.get(key);
    CachedEvent e;
    if (object == null) {
      if (previous == null) {
        return;
      }
      objects.remove(key);
      ObjectNode deleted = previous.deepCopy();
      Meta.meta(deleted).put("resourceVersion", Long.toString(rev));
      e = new CachedEvent(key, rev, null, deleted);
    } else {
      objects.put(key, object);
      e = new CachedEvent(key, rev, object, previous);
    }
    window.add(e);
    revision = Math.max(revision, rev);
    for (CacheWatcher w : watchers.keySet()) {
      w.offer(e);
    }
  }

  @Override
  public void progressed(long storeRevision) {
    WatchEvent bookmark;
    synchronized (this) {
      if (window == null) {
        return;
      }
      revision = Math.max(revision, storeRevision);
      releaseWaiters();
      ObjectNode b = JsonNodeFactory.instance.objectNode();
      b.put("kind", store.info().kind()).put("apiVersion", store.info().apiVersion());
      b.putObject("metadata").put("resourceVersion", Long.toString(revision));
      bookmark = new WatchEvent("BOOKMARK", b, revision);
      for (CacheWatcher w : watchers.keySet()) {
        w.bookmark(bookmark);
      }
    }
  }

  @Override
  public void compacted(long compactRevision) {
    CompletableFuture<Void> old;
    synchronized (this) {
      old = ready;
      ready = new CompletableFuture<>();
      window = null;
    }
    LOG.info("watch cache of {}: the store compacted revision {} before the cache saw it; ending {} watches and "
        + "listing again", store.info().resource(), compactRevision, watchers.size());
    ApiException gone = ApiException.expired("too old resource version: the watch cache of "
        + store.info().resource() + " was compacted at " + compactRevision);
    for (CacheWatcher w : List.copyOf(watchers.keySet())) {
      w.fail(gone);
    }
    old.completeExceptionally(gone);
  }

  private void releaseWaiters() {
    Map<Long, List<CompletableFuture<Long>>> due = waiters.headMap(revision, true);
    List<CompletableFuture<Long>> release = new ArrayList<>();
    due.values().forEach(release::addAll);
    due.clear();
    long at = revision;
    executor.execute(() -> release.forEach(f -> f.complete(at)));
  }

  /** Completes with the cache revision once it is at least {@code rev}; fails after {@code freshWait}. */
  private CompletableFuture<Long> atLeast(long rev) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    synchronized (this) {
      if (window != null && revision >= rev) {
        f.complete(revision);
        return f;
      }
      waiters.computeIfAbsent(rev, r -> new ArrayList<>()).add(f);
    }
    feed.requestProgress();
    scheduler.schedule(() -> f.completeExceptionally(ApiException.timeout("Too large resource version: " + rev
        + ", the watch cache of " + store.info().resource() + " is at " + revision(), "ResourceVersionTooLarge")),
        config.freshWait().toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  private synchronized long revision() {
    return revision;
  }

  /** The store's current revision (a linearizable read), for consistent starts. */
  private CompletableFuture<Long> storeRevision() {
    String prefix = store.info().keyPrefix();
    return kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix))
        .setCountOnly(true).build()).thenApply(r -> r.getHeader().getRevision());
  }

  /** Fails with 410 when the store has compacted revision {@code rv} (the cache could still serve it). */
  private CompletableFuture<Void> notCompacted(long rv) {
    String prefix = store.info().keyPrefix();
    return kv.range(RangeRequest.newBuilder().setKey(EtcdKv.bytes(prefix)).setRangeEnd(EtcdKv.prefixEnd(prefix))
        .setRevision(rv).setLimit(1).setKeysOnly(true).build()).thenApply(r -> null);
  }

  /** The revision a request for {@code resourceVersion} needs the cache to have reached. */
  private CompletableFuture<Long> fresh(String resourceVersion) {
    CompletableFuture<Void> r = ready();
    if (resourceVersion.equals("0")) {
      return r.thenApply(v -> revision());
    }
    if (resourceVersion.isEmpty()) {
      return r.thenCompose(v -> storeRevision()).thenCompose(this::atLeast);
    }
    long rv = GenericStore.parseRv(resourceVersion);
    return r.thenCompose(v -> atLeast(rv));
  }

  // ---- the client side ----

  /** Starts a client watch; see the class comment for where it starts. */
  AutoCloseable watch(String namespace, ListOptions opts, WatchSink sink) {
    String prefix = store.info().listPrefix(namespace);
    Predicate<ObjectNode> filter = o -> opts.matches(store.strategy(), o);
    CacheWatcher w = new CacheWatcher(prefix, filter, opts.allowBookmarks(), sink, executor, config.clientBuffer(),
        watchers::remove);
    if (opts.timeoutSeconds() > 0) {
      w.timeoutWith(scheduler.schedule(w::end, opts.timeoutSeconds(), TimeUnit.SECONDS));
    }
    String rv = opts.resourceVersion();
    CompletableFuture<Void> started = fresh(rv).thenCompose(at -> {
      if (rv.isEmpty() || rv.equals("0")) {
        return CompletableFuture.completedFuture(null);
      }
      long from = GenericStore.parseRv(rv);
      return notCompacted(from + 1 <= at ? from + 1 : from);
    }).thenAccept(v -> register(w, rv));
    started.whenComplete((v, err) -> {
      if (err != null) {
        w.fail(ApiException.of(err));
      }
    });
    return w;
  }

  /** Registers {@code w} and hands it its first events, atomically with respect to changes. */
  private synchronized void register(CacheWatcher w, String rv) {
    if (w.closed()) {
      return;
    }
    if (window == null) {
      throw ApiException.expired("too old resource version: " + rv + " (the watch cache of "
          + store.info().resource() + " is being relisted)");
    }
    List<WatchEvent> first = new ArrayList<>();
    if (rv.isEmpty() || rv.equals("0")) {
      for (ObjectNode o : objects.tailMap(w.keyPrefix(), true).values()) {
        if (!w.covers(key(store.info(), o))) {
          break;
        }
        if (w.matches(o)) {
          first.add(new WatchEvent("ADDED", o, revision));
        }
      }
    } else {
      long from = GenericStore.parseRv(rv);
      List<CachedEvent> since = window.since(from);
      if (since == null) {
        throw ApiException.expired("too old resource version: " + from + " (" + window.floor() + ")");
      }
      for (CachedEvent e : since) {
        WatchEvent v = w.view(e);
        if (v != null) {
          first.add(v);
        }
      }
    }
    watchers.put(w, Boolean.TRUE);
    w.begin(first);
  }

  /**
   * A list served from memory (resourceVersion "0": any state the cache has is recent enough, as in kube),
   * with selectors and {@code limit}; a continue token it returns is continued from the store at the cache's
   * revision.
   */
  CompletableFuture<ObjectNode> list(String namespace, ListOptions opts) {
    return fresh(opts.resourceVersion()).thenApply(at -> listNow(namespace, opts));
  }

  private synchronized ObjectNode listNow(String namespace, ListOptions opts) {
    ResourceInfo info = store.info();
    String prefix = info.listPrefix(namespace);
    ObjectNode list = JsonNodeFactory.instance.objectNode().put("kind", info.listKind())
        .put("apiVersion", info.apiVersion());
    ObjectNode meta = list.putObject("metadata").put("resourceVersion", Long.toString(revision));
    ArrayNode items = list.putArray("items");
    String last = null;
    for (Map.Entry<String, ObjectNode> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (opts.limit() > 0 && items.size() >= opts.limit()) {
        meta.put("continue", new ContinueToken(revision, last.substring(prefix.length()) + "\u0000").encode());
        break;
      }
      if (opts.matches(store.strategy(), e.getValue())) {
        items.add(e.getValue());
        last = e.getKey();
      }
    }
    return list;
  }

  @Override
  public void close() {
    feed.close();
    for (CacheWatcher w : List.copyOf(watchers.keySet())) {
      w.close();
    }
  }

  /** The key of a cached object (the objects carry namespace and name). */
  private static String key(ResourceInfo info, ObjectNode o) {
    return info.key(Meta.namespace(o), Meta.name(o));
  }
}

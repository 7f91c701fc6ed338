package io.trireme.apiserver.registry.generic;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizes and clocks of the per-resource watch cache.
 *
 * @param window        changes kept per resource; a watch from an older resourceVersion gets 410 Gone
 *                      (kube-apiserver keeps 100 by default and grows it with load; a fixed size is simpler to
 *                      reason about)
 * @param clientBuffer  events one watch may have waiting (beyond what its connection has accepted) before it is
 *                      closed as too slow to keep up, so one slow client never holds memory or delays others
 * @param progress      how often the store is asked for progress; watches that allow bookmarks get one then
 * @param freshWait     how long a watch or list waits for the cache to reach a resourceVersion it asks for (or
 *                      the store's current revision) before failing, as kube-apiserver waits 3 s
 */
public record WatchCacheConfig(int window, int clientBuffer, Duration progress, Duration freshWait) {
  public static final int DEFAULT_WINDOW = 1024;
  public static final int DEFAULT_CLIENT_BUFFER = 1024;

  public WatchCacheConfig {
    if (window < 1 || clientBuffer < 1) {
      throw new IllegalArgumentException("window and clientBuffer must be positive");
    }
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(freshWait, "freshWait");
    if (progress.isNegative() || progress.isZero() || freshWait.isNegative() || freshWait.isZero()) {
      throw new IllegalArgumentException("progress and freshWait must be positive");
    }
  }

  /** The defaults, with bookmarks every {@code progress}. */
  public static WatchCacheConfig of(Duration progress) {
    return new WatchCacheConfig(DEFAULT_WINDOW, DEFAULT_CLIENT_BUFFER, progress, Duration.ofSeconds(3));
  }

  public WatchCacheConfig withWindow(int events) {
    return new WatchCacheConfig(events, clientBuffer, progress, freshWait);
  }

  public WatchCacheConfig withClientBuffer(int events) {
    return new WatchCacheConfig(window, events, progress, freshWait);
  }
}

package io.trireme.store.watch;

import io.etcd.jetcd.api.WatchResponse;

/** Where one watch stream's responses go. Implementations serialise calls per stream. */
public interface WatchSink {
  /**
   * Sends now if the stream can take it without buffering without bound.
   *
   * @return false if the client is behind; the watcher then catches up from history later
   */
  boolean trySend(WatchResponse response);

  /** Sends regardless of readiness (small control messages: created, canceled, progress). */
  void send(WatchResponse response);
}

package io.trireme.store.watch;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import java.util.function.Consumer;

/** What the watch hub needs from the store: revisions, history, and response headers. */
public interface EventSource {
  long revision();

  long compactRevision();

  /**
   * Hands over events with revision >= {@code from}, whole revisions at a time, until at least
   * {@code max} were handed over; returns the next revision to read.
   *
   * @throws io.trireme.store.mvcc.StoreException COMPACTED if {@code from} was compacted away
   */
  long readEvents(long from, int max, Consumer<Event> sink);

  ResponseHeader header(long revision);
}

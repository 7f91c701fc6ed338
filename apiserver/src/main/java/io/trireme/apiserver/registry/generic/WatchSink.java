package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;

/**
 * Where a watch delivers its events, in order, from one thread at a time. The objects are shared with other
 * watches of the same resource: read them, never change them.
 */
public interface WatchSink {
  /**
   * The watch is registered with the cache: every change from now on reaches this sink. Called once, before
   * any event (an error or end that comes first is not preceded by it). An HTTP watch sends its response head
   * here, so a client that has the head knows its watch is in place.
   */
  default void started() {
  }

  /** ADDED, MODIFIED, DELETED or BOOKMARK. */
  void event(String type, ObjectNode object);

  /** The same, with the object's JSON encoding (shared between watches: encoded once, not per client). */
  default void event(String type, ObjectNode object, java.util.function.Supplier<byte[]> json) {
    event(type, object);
  }

  /** False while the client has not taken what was already sent; the watch then holds further events back. */
  default boolean writable() {
    return true;
  }

  /** Runs {@code resume} once, when what was sent so far has been taken (at once if it has). */
  default void onWritable(Runnable resume) {
    resume.run();
  }

  /** Ends the watch at once, dropping what was not sent yet: the client fell too far behind. */
  default void abort() {
    end();
  }

  /** Sends an ERROR event with the Status and ends the watch. */
  void error(ApiException e);

  /** Ends the watch normally (timeout). */
  void end();
}

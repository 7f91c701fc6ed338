package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.status.ApiException;

/** Where a watch delivers its events, in order, from one thread at a time. */
public interface WatchSink {
  /** ADDED, MODIFIED, DELETED or BOOKMARK. */
  void event(String type, ObjectNode object);

  /** Sends an ERROR event with the Status and ends the watch. */
  void error(ApiException e);

  /** Ends the watch normally (timeout). */
  void end();
}

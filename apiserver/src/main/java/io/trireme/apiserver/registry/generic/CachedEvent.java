package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One change of one key as the watch cache keeps it: the object after the change ({@code null} for a delete)
 * and before it ({@code null} for a create), both decoded once and shared, read-only, by every watcher.
 *
 * @param key      the store key
 * @param revision the store revision of the change
 * @param object   the object after the change, or null when the key was deleted
 * @param previous the object before the change (its resourceVersion stamped with {@code revision} when
 *                 deleted, as Kubernetes reports a DELETED object), or null when the key was created
 */
record CachedEvent(String key, long revision, ObjectNode object, ObjectNode previous) {
  CachedEvent {
    Objects.requireNonNull(key, "key");
    if (object == null && previous == null) {
      throw new IllegalArgumentException("an event needs an object before or after: " + key);
    }
  }

  /**
   * The watch event a watcher whose filter is {@code matches} sees: selector transitions become ADDED or
   * DELETED, as kube-apiserver reports them; null when the change is invisible to it.
   */
  WatchEvent visibleTo(java.util.function.Predicate<ObjectNode> matches) {
    boolean before = previous != null && matches.test(previous);
    if (object == null) {
      return before ? new WatchEvent("DELETED", previous, revision) : null;
    }
    boolean after = matches.test(object);
    if (after) {
      return new WatchEvent(before ? "MODIFIED" : "ADDED", object, revision);
    }
    return before ? new WatchEvent("DELETED", object, revision) : null;
  }

  /** A typed event as one watcher receives it. */
  record WatchEvent(String type, ObjectNode object, long revision) {}
}

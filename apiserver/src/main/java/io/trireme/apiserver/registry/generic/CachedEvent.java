package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One change of one key as the watch cache keeps it: the object after the change ({@code null} for a delete)
 * and before it ({@code null} for a create), both decoded once and shared, read-only, by every watcher, and
 * each encoded to JSON at most once however many watchers send it.
 */
final class CachedEvent {
  private final String key;
  private final long revision;
  private final ObjectNode object;
  private final ObjectNode previous;
  private volatile byte[] objectJson;
  private volatile byte[] previousJson;

  /**
   * @param key      the store key
   * @param revision the store revision of the change
   * @param object   the object after the change, or null when the key was deleted
   * @param previous the object before the change (its resourceVersion stamped with {@code revision} when
   *                 deleted, as Kubernetes reports a DELETED object), or null when the key was created
   */
  CachedEvent(String key, long revision, ObjectNode object, ObjectNode previous) {
    this.key = Objects.requireNonNull(key, "key");
    if (object == null && previous == null) {
      throw new IllegalArgumentException("an event needs an object before or after: " + key);
    }
    this.revision = revision;
    this.object = object;
    this.previous = previous;
  }

  String key() {
    return key;
  }

  long revision() {
    return revision;
  }

  ObjectNode object() {
    return object;
  }

  ObjectNode previous() {
    return previous;
  }

  private byte[] objectJson() {
    byte[] b = objectJson;
    if (b == null) {
      b = Json.bytes(object);
      objectJson = b;
    }
    return b;
  }

  private byte[] previousJson() {
    byte[] b = previousJson;
    if (b == null) {
      b = Json.bytes(previous);
      previousJson = b;
    }
    return b;
  }

  /**
   * The watch event a watcher whose filter is {@code matches} sees: selector transitions become ADDED or
   * DELETED, as kube-apiserver reports them; null when the change is invisible to it.
   */
  WatchEvent visibleTo(Predicate<ObjectNode> matches) {
    boolean before = previous != null && matches.test(previous);
    if (object == null) {
      return before ? new WatchEvent("DELETED", previous, revision, this::previousJson) : null;
    }
    boolean after = matches.test(object);
    if (after) {
      return new WatchEvent(before ? "MODIFIED" : "ADDED", object, revision, this::objectJson);
    }
    return before ? new WatchEvent("DELETED", object, revision, this::objectJson) : null;
  }

  /** A typed event as one watcher receives it, with the object's JSON (shared when it comes from the cache). */
  record WatchEvent(String type, ObjectNode object, long revision, Supplier<byte[]> json) {
    /** An event whose JSON is encoded when it is sent. */
    WatchEvent(String type, ObjectNode object, long revision) {
      this(type, object, revision, () -> Json.bytes(object));
    }
  }
}

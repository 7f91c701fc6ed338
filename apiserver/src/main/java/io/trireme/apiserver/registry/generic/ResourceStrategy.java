package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.Validation.NameRule;
import io.trireme.apiserver.status.ApiException.Cause;
import io.trireme.apiserver.registry.generic.patch.PatchMeta;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything that makes one resource different from another. All shared behaviour (storage, resource
 * versions, conflicts, finalizers, dry run, watch, patch) lives in {@link GenericStore}; a resource is a
 * strategy and a registration. The store calls the hooks in a fixed order: defaults, (mutating admission),
 * prepare, validate, canonicalize, (validating admission).
 */
public interface ResourceStrategy {
  ResourceInfo info();

  /** Kubernetes defaulting, applied to every decoded create or update body. */
  default void applyDefaults(ObjectNode obj) {}

  /** Before create: e.g. reset status, set generation. Default: status is reset when it is a subresource. */
  default void prepareForCreate(ObjectNode obj) {
    if (info().hasStatus()) {
      obj.remove("status");
    }
  }

  /** Before update of the main resource: status is kept from the old object when it is a subresource. */
  default void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    if (info().hasStatus()) {
      if (old.has("status")) {
        obj.set("status", old.get("status").deepCopy());
      } else {
        obj.remove("status");
      }
    }
  }

  /** Before an update of the status subresource: everything but status comes from the old object. */
  default void prepareForStatusUpdate(ObjectNode obj, ObjectNode old) {
    JsonNode status = obj.get("status");
    ObjectNode meta = Meta.meta(obj).deepCopy();
    obj.removeAll();
    obj.setAll(old.deepCopy());
    if (status != null) {
      obj.set("status", status);
    } else {
      obj.remove("status");
    }
    Meta.meta(obj).set("resourceVersion", meta.get("resourceVersion"));
  }

  /** Field errors of a new object (metadata is validated by the store). */
  default List<Cause> validate(ObjectNode obj) {
    return List.of();
  }

  /** Field errors of an update (immutable fields etc.). */
  default List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validate(obj);
  }

  /** Normalizes an object just before it is stored. */
  default void canonicalize(ObjectNode obj) {}

  default NameRule nameRule() {
    return NameRule.DNS_SUBDOMAIN;
  }

  /** Whether {@code metadata.generation} is set on create and bumped when anything but metadata/status changes. */
  default boolean tracksGeneration() {
    return false;
  }

  /** Table columns; Name first. Empty means kube-apiserver's default table (Name, Created At). */
  default List<Column> columns() {
    return List.of();
  }

  /** Table cells for the {@link #columns()}. */
  default List<Object> cells(ObjectNode obj, Instant now) {
    return List.of();
  }

  /**
   * The value of a selectable field, or empty when the resource cannot select on {@code field}. Supported
   * fields that are absent in the object yield an empty string.
   */
  default Optional<String> fieldValue(ObjectNode obj, String field) {
    return switch (field) {
      case "metadata.name" -> Optional.of(Meta.name(obj));
      case "metadata.namespace" -> info().namespaced() ? Optional.of(Meta.namespace(obj)) : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** Whether deleting this object must wait beyond {@code metadata.finalizers} (e.g. namespace spec.finalizers). */
  default boolean deletionPending(ObjectNode obj) {
    return false;
  }

  /** Marks an object whose deletion is pending (e.g. namespace phase Terminating). */
  default void prepareForPendingDeletion(ObjectNode obj) {}

  /** Whether DELETE answers with the deleted object (true) or a Success Status (false). */
  default boolean returnDeletedObject() {
    return false;
  }

  /** Whether the resource has a {@code scale} subresource (spec.replicas / status.replicas). */
  default boolean hasScale() {
    return false;
  }

  /** The label selector (string form) of the pods a scalable object manages, for Scale.status.selector. */
  default String scaleSelector(ObjectNode obj) {
    return "";
  }

  /** POST-only subresources by name (e.g. pods/binding, pods/eviction). */
  default java.util.Map<String, PostSubresource> postSubresources() {
    return java.util.Map.of();
  }

  /**
   * The stored form of an object of this kind. A kind that shares its storage with another version (Kubernetes
   * keeps events.k8s.io/v1 Events in /registry/events as core/v1 Events) converts here; the default stores the
   * object as it is served.
   */
  default ObjectNode toStorage(ObjectNode obj) {
    return obj;
  }

  /** The served form of a stored object: the inverse of {@link #toStorage}. */
  default ObjectNode fromStorage(ObjectNode stored) {
    return stored;
  }

  /** For a read-only resource whose objects are computed, not stored: their source (get and list only). */
  default java.util.Optional<ComputedObjects> computed() {
    return java.util.Optional.empty();
  }

  /** For a create-only resource that is answered, not stored (access reviews): the answer. */
  default java.util.Optional<Review> review() {
    return java.util.Optional.empty();
  }

  /** Whether objects of this resource live in the store (neither computed nor answered). */
  default boolean stored() {
    return computed().isEmpty() && review().isEmpty();
  }

  /**
   * The Kubernetes release that deprecated this version of the resource ("1.19"), or empty: every request on it
   * then carries kube-apiserver's warning, which kubectl prints.
   */
  default String deprecatedIn() {
    return "";
  }

  /** The verbs discovery advertises. */
  default List<String> verbs() {
    return review().isPresent() ? CREATE_ONLY : computed().isPresent() ? READ_VERBS : ALL_VERBS;
  }

  List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update",
      "watch");
  List<String> READ_VERBS = List.of("get", "list");
  List<String> CREATE_ONLY = List.of("create");

  /** Strategic-merge-patch metadata (patch merge keys and strategies) of this kind. */
  default PatchMeta patchMeta() {
    return PatchMeta.OBJECT_META;
  }
}

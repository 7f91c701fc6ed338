package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The objects of a read-only resource that are computed on every read instead of stored (componentstatuses).
 * Such a resource serves get and list only; every other verb answers 405 MethodNotSupported.
 */
@FunctionalInterface
public interface ComputedObjects {
  /** Every object, each with kind, apiVersion and metadata.name. */
  CompletableFuture<List<ObjectNode>> all();
}

package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * A subresource that only takes POST (create), like {@code pods/binding} and {@code pods/eviction}: it
 * turns the posted object into a change of the parent through the parent's store.
 */
public interface PostSubresource {
  /** The kind posted and answered, e.g. policy/v1 Eviction. */
  String group();

  String version();

  String kind();

  /**
   * Applies the posted {@code body} to the object {@code namespace}/{@code name}; completes with the answer.
   * {@code registry} gives the other resources' stores (an eviction reads disruption budgets).
   */
  CompletableFuture<ObjectNode> post(GenericStore store, Registry registry, String namespace, String name,
      ObjectNode body, WriteOptions w);
}

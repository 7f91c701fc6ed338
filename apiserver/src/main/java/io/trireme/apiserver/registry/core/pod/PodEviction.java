package io.trireme.apiserver.registry.core.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.registry.generic.DeleteOptions;
import io.trireme.apiserver.registry.generic.GenericStore;
import io.trireme.apiserver.registry.generic.PostSubresource;
import io.trireme.apiserver.registry.generic.WriteOptions;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pods/eviction} (policy/v1 Eviction): deletes the pod with the eviction's delete options. Disruption
 * budgets are not consulted yet (no PodDisruptionBudget resource is served).
 */
final class PodEviction implements PostSubresource {
  @Override
  public String group() {
    return "policy";
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public String kind() {
    return "Eviction";
  }

  @Override
  public CompletableFuture<ObjectNode> post(GenericStore store, String namespace, String name, ObjectNode body,
      WriteOptions w) {
    DeleteOptions options = DeleteOptions.of(body.get("deleteOptions"), null, null);
    return store.delete(namespace, name, options, w).thenApply(deleted -> GenericStore.success(201));
  }
}

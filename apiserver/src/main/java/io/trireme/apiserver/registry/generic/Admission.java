package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * An admission plugin on creates (and deletes). The store runs every plugin's {@link #mutateCreate} (after defaulting), then
 * validates the object, then runs every plugin's {@link #admitCreate}, then writes.
 */
public interface Admission {
  /** May change the object (ServiceAccount, LimitRanger defaults); fails the create with an ApiException. */
  default CompletableFuture<Void> mutateCreate(ResourceInfo info, ObjectNode obj) {
    return CompletableFuture.completedFuture(null);
  }

  /** Checks a delete before anything is read or written (NamespaceLifecycle's immortal namespaces). */
  default CompletableFuture<Void> admitDelete(ResourceInfo info, String namespace, String name) {
    return CompletableFuture.completedFuture(null);
  }

  /** Checks the validated object (NamespaceLifecycle, LimitRanger min/max); fails with an ApiException. */
  default CompletableFuture<Void> admitCreate(ResourceInfo info, ObjectNode obj) {
    return CompletableFuture.completedFuture(null);
  }
}

package io.trireme.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/** A validating admission step run before a create is written (e.g. NamespaceLifecycle). */
public interface Admission {
  CompletableFuture<Void> admitCreate(ResourceInfo info, ObjectNode obj);
}

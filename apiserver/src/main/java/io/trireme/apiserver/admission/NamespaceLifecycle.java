package io.trireme.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trireme.apiserver.codec.Json;
import io.trireme.apiserver.registry.core.namespace.NamespaceStrategy;
import io.trireme.apiserver.registry.generic.Admission;
import io.trireme.apiserver.registry.generic.Meta;
import io.trireme.apiserver.registry.generic.ResourceInfo;
import io.trireme.apiserver.status.ApiException;
import io.trireme.apiserver.storage.EtcdKv;
import java.util.concurrent.CompletableFuture;

/**
 * NamespaceLifecycle: no new objects in a namespace that does not exist or is being terminated, and the
 * immortal namespaces (default, kube-system, kube-public) cannot be deleted.
 */
public final class NamespaceLifecycle implements Admission {
  private static final java.util.Set<String> IMMORTAL = java.util.Set.of("default", "kube-system", "kube-public");
  private final EtcdKv kv;

  public NamespaceLifecycle(EtcdKv kv) {
    this.kv = kv;
  }

  @Override
  public CompletableFuture<Void> admitDelete(ResourceInfo info, String namespace, String name) {
    if (info.equals(NamespaceStrategy.INFO) && IMMORTAL.contains(name)) {
      return CompletableFuture.failedFuture(ApiException.forbidden("", "namespaces", name,
          "this namespace may not be deleted"));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> admitCreate(ResourceInfo info, ObjectNode obj) {
    if (!info.namespaced()) {
      return CompletableFuture.completedFuture(null);
    }
    String ns = Meta.namespace(obj);
    return kv.get(NamespaceStrategy.INFO.key("", ns)).thenApply(r -> {
      if (r.getKvsCount() == 0) {
        throw ApiException.notFound("", "namespaces", ns);
      }
      ObjectNode nsObj = Json.object(r.getKvs(0).getValue().toByteArray());
      if (Meta.deleting(nsObj)) {
        throw ApiException.forbidden(info.group(), info.resource(), Meta.name(obj),
            "unable to create new content in namespace " + ns + " because it is being terminated");
      }
      return null;
    });
  }
}
